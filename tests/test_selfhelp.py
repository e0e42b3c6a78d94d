"""Self-help from a station's QR code: the phone proven by SMS, the request made into a
case once, the limits, the duplicate path, bad input, and the staff side."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    ConsentText,
    SelfHelpRequest,
    SmsMessage,
    StatusLookup,
)
from cases.selfhelp import submission
from cases.status import lookup
from lawyers.models import ClaimType
from tests.helpers import delivered_sms, login, make_case, make_consent, make_station, png_upload

PHONE = "+8613912345678"
T0 = datetime.datetime(2026, 11, 3, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def station(world):
    make_consent()
    return world.beijing.station


def url(name, station, *args):
    return reverse(f"selfhelp:{name}", args=[station.code, *args])


def last_code(phone=PHONE, template="selfhelp_code"):
    body = delivered_sms(phone, template)
    return re.search(r"\d{6}", body).group()


@pytest.fixture
def prove(client, django_capture_on_commit_callbacks):
    """Steps 1 and 2 through the real views; returns the response to the code."""

    def run(station, phone=PHONE, code=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("start", station), {"phone": phone})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.post(url("verify", station), {"code": code or last_code(phone)})

    return run


def form_data(client, station, **changes):
    page = client.get(url("request", station))
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "token": token,
        "consent_version": ConsentText.current().version,
        "problem": "wage",
        "incident_date": "2026-10-20",
        "employer": "美团 望京站",
        "amount": "3500",
        "facts": "站长说月底发工资，到现在还没发。",
        "name": "赵师傅",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def run(station, data, **files):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url("request", station), {**data, **files})

    return run


# ---------------------------------------------------------------------------
# The whole way


@pytest.mark.django_db
def test_a_first_time_worker_proves_the_phone_and_the_request_becomes_a_case(
    client, station, prove, send, clock
):
    page = client.get(url("start", station))
    assert page.status_code == 200
    assert station.name in page.content.decode()
    response = prove(station)
    # No open case: straight on to the request.
    assert response.status_code == 302
    assert client.get(response.url).url == url("request", station)
    assert SmsMessage.objects.filter(phone=PHONE, template="selfhelp_code").count() == 1

    data = form_data(client, station)
    response = send(station, data, photos=[png_upload("欠条.png")])
    case = Case.objects.get()
    assert response.url == url("receipt", station, case.number)
    assert case.self_reported and case.state == Case.State.RECEIVED
    assert case.station == station and case.region_code == station.region_code
    assert case.claim_list == [ClaimType.WAGE]
    assert str(case.amount_claimed) == "3500.00"
    assert case.incident_date == datetime.date(2026, 10, 20)
    assert (case.worker.name, str(case.worker.phone), case.worker.platform) == (
        "赵师傅",
        PHONE,
        "meituan",
    )
    assert [(p.kind, p.name) for p in case.parties.all()] == [("platform", "美团 望京站")]
    assert case.attachments.count() == 1
    assert case.created_by.username == submission.SYSTEM_USERNAME
    assert not case.created_by.is_active and not case.created_by.has_usable_password()
    assert case.consent == ConsentText.current()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["created", "attachment", "self_help"]

    receipt = client.get(response.url).content.decode()
    received = delivered_sms(PHONE, "case_received")
    code = re.search(r"查询码(\d{8})", received).group(1)
    assert case.number in receipt and code in receipt
    # Shown once: a reload keeps the number, not the code.
    again = client.get(response.url).content.decode()
    assert case.number in again and code not in again


@pytest.mark.django_db
def test_the_form_sent_twice_makes_one_case_and_both_land_on_its_receipt(
    client, station, prove, send
):
    prove(station)
    data = form_data(client, station)
    first = send(station, data)
    second = send(station, data)
    assert Case.objects.count() == 1
    assert first.url == second.url
    assert SmsMessage.objects.filter(template="case_received").count() == 1
    assert SelfHelpRequest.objects.filter(case__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_token_from_another_phone_is_refused_without_a_case(client, station, prove, send):
    prove(station)
    data = form_data(client, station)
    other = SelfHelpRequest.objects.create(
        station=station, phone_hash=lookup.phone_hash("+8613500000009")
    )
    response = send(station, {**data, "token": str(other.token)})
    assert response.status_code == 400
    assert "这张表已经失效" in response.content.decode()
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------
# Limits


@pytest.mark.django_db
def test_a_fourth_request_in_a_day_is_refused_and_a_day_later_taken(
    client, station, prove, send, clock
):
    prove(station)
    for n in range(submission.DAILY_CAP):
        response = send(station, form_data(client, station, facts=f"第 {n} 件事"))
        assert response.status_code == 302
    refused = send(station, form_data(client, station, facts="第四件事"))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "已经提交了 3 次求助" in text and "第四件事" in text  # what was typed is kept
    assert Case.objects.count() == submission.DAILY_CAP
    clock.shift(datetime.timedelta(hours=24, minutes=1))
    prove(station)
    assert send(station, form_data(client, station, facts="第二天")).status_code == 302
    assert Case.objects.count() == submission.DAILY_CAP + 1


@pytest.mark.django_db
def test_self_help_codes_count_against_the_status_pages_daily_cap(
    client, station, django_capture_on_commit_callbacks, clock
):
    for _n in range(lookup.DAILY_CAP):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("start", station), {"phone": PHONE})
        assert response.status_code == 302
        clock.shift(lookup.RESEND_COOLDOWN)
    # The status page then offers the receipt code instead, with the same warning.
    refused = client.post(reverse("status:start"), {"phone": PHONE}, follow=True)
    assert "次数已达上限" in refused.content.decode()
    refused = client.post(url("start", station), {"phone": PHONE})
    assert refused.status_code == 400 and "次数已达上限" in refused.content.decode()


@pytest.mark.django_db
def test_the_resend_cooldown_and_the_per_address_limit_apply(client, station, settings, clock):
    settings.STATUS_IP_LIMIT = 2
    assert client.post(url("start", station), {"phone": PHONE}).status_code == 302
    again = client.post(url("start", station), {"phone": PHONE})
    assert "秒后再重新获取" in again.content.decode()
    clock.shift(lookup.RESEND_COOLDOWN)
    assert client.post(url("start", station), {"phone": "+8613912340000"}).status_code == 302
    third = client.post(url("start", station), {"phone": "+8613912341111"})
    assert "这个网络的查询次数太多" in third.content.decode()


@pytest.mark.django_db
def test_five_wrong_codes_lock_a_new_phone_as_on_the_status_page(client, station, prove, clock):
    right = None
    response = None
    for n in range(lookup.MAX_ATTEMPTS):
        response = (
            prove(station, code="000000")
            if n == 0
            else client.post(url("verify", station), {"code": "000000"})
        )
        right = last_code()
    if right == "000000":
        pytest.skip("the random code was 000000")
    assert "暂时锁定" in response.content.decode()
    locked = client.post(url("verify", station), {"code": right})
    assert "暂时锁定" in locked.content.decode()
    assert client.get(url("request", station)).status_code == 302
    outcomes = set(StatusLookup.objects.values_list("outcome", flat=True))
    assert {"code_sent", "code_wrong", "locked"} <= outcomes


@pytest.mark.django_db
def test_a_number_without_a_self_help_request_gets_no_code_from_the_status_page(
    client, station, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("status:start"), {"phone": PHONE})
    assert not SmsMessage.objects.filter(phone=PHONE).exists()


# ---------------------------------------------------------------------------
# Duplicates


@pytest.mark.django_db
def test_a_phone_with_an_open_case_sees_it_and_may_still_send_a_new_problem(
    client, world, station, prove, send
):
    earlier = make_case(world.kunming.station, world.kunming.volunteer, worker={"phone": PHONE})
    response = prove(station, code=None)
    # Known numbers get the self-help text too: they asked here.
    assert response.url == url("cases", station)
    page = client.get(response.url).content.decode()
    assert earlier.number in page and "已登记，工会正在审核您的求助" in page
    assert "这是一个新问题" in page
    # The status page opens without a second code.
    status = client.get(reverse("status:cases")).content.decode()
    assert earlier.number in status
    assert send(station, form_data(client, station)).status_code == 302
    new = Case.objects.exclude(pk=earlier.pk).get()
    assert new.self_reported and new.worker_id != earlier.worker_id  # never another's record


# ---------------------------------------------------------------------------
# Bad input and abuse


@pytest.mark.django_db
def test_unknown_and_inactive_stations_get_a_friendly_page_with_the_finder(client, station):
    for code in ("NO-SUCH-STATION", make_station(active=False).code):
        response = client.get(reverse("selfhelp:start", args=[code]))
        assert response.status_code == 404
        text = response.content.decode()
        assert "没有找到这个驿站" in text and reverse("stations:finder") in text
    assert client.get(reverse("selfhelp:request", args=["NO-SUCH"])).status_code == 404


@pytest.mark.django_db
def test_each_mistake_is_named_at_its_field_and_the_rest_is_kept(client, station, prove, send):
    prove(station)
    data = form_data(
        client,
        station,
        problem=None,
        incident_date="2099-01-01",
        amount="-5",
        name="   ",
        consent=None,
    )
    response = send(station, data, photos=[SimpleUploadedFile("x.jpg", b"MZ not a photo")])
    assert response.status_code == 400
    text = response.content.decode()
    for message in (
        "请选择您遇到的问题",
        "事发日期不能晚于今天",
        "金额不能为负数",
        "请填写您的姓名或称呼",
        "请阅读告知同意书并勾选同意",
        "不是 JPG、PNG 图片或 PDF 文件",
        "照片没有保留",
    ):
        assert message in text, message
    assert "站长说月底发工资" in text and "美团 望京站" in text
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_garbage_in_every_field_is_a_400_never_a_500(client, station, prove, send):
    prove(station)
    data = form_data(
        client,
        station,
        problem="<script>",
        incident_date="31/31/31",
        amount="1e999",
        facts="x" * 3000,
        employer="y" * 300,
        token="not-a-uuid",
        consent_version="0",
    )
    response = send(station, data)
    assert response.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_more_than_five_photos_are_refused(client, station, prove, send):
    prove(station)
    photos = [png_upload(f"{n}.png") for n in range(submission.MAX_PHOTOS + 1)]
    response = send(station, form_data(client, station), photos=photos)
    assert response.status_code == 400
    assert "最多上传 5 张照片" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_filled_honeypot_makes_no_case(client, station, prove, send):
    prove(station)
    response = send(station, form_data(client, station, website="http://spam.example"))
    assert response.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_consent_text_changed_since_the_page_was_loaded_must_be_agreed_again(
    client, station, prove, send
):
    prove(station)
    data = form_data(client, station)
    ConsentText.objects.update(active=False)
    ConsentText.objects.create(version="2.0", text="新的告知同意书", active=True)
    response = send(station, data)
    assert response.status_code == 400
    assert "告知同意书刚刚更新了" in response.content.decode()
    assert "新的告知同意书" in response.content.decode()
    assert send(station, {**data, "consent_version": "2.0"}).status_code == 302
    assert Case.objects.get().consent.version == "2.0"


@pytest.mark.django_db
def test_the_request_page_needs_a_proven_phone(client, station):
    assert client.get(url("request", station)).url == url("start", station)
    assert client.post(url("verify", station), {"code": "123456"}).url == url("start", station)


# ---------------------------------------------------------------------------
# The staff side


@pytest.fixture
def self_reported(client, station, prove, send):
    prove(station)
    send(station, form_data(client, station))
    client.logout()
    return Case.objects.get()


@pytest.mark.django_db
def test_the_badge_shows_on_the_station_list_and_the_triage_board(client, world, self_reported):
    login(client, world.beijing.volunteer)
    assert "劳动者自助提交" in client.get(reverse("cases:station_cases")).content.decode()
    login(client, world.beijing.coordinator)
    assert "劳动者自助提交" in client.get(reverse("cases:triage")).content.decode()


@pytest.mark.django_db
def test_the_worker_hears_once_when_the_union_first_opens_the_case(
    client, world, self_reported, django_capture_on_commit_callbacks
):
    case = self_reported
    login(client, world.kunming.coordinator)
    assert client.get(case.get_absolute_url()).status_code == 404  # not theirs
    login(client, world.beijing.volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(case.get_absolute_url())
        client.get(case.get_absolute_url())
    login(client, world.beijing.coordinator)
    client.get(case.get_absolute_url())
    seen = SmsMessage.objects.filter(template="selfhelp_seen")
    assert [str(m.phone) for m in seen] == [PHONE]
    assert case.number in seen.get().body
    log = case.events.filter(kind=CaseEvent.Kind.SELF_HELP, data__action="seen")
    assert list(log.values_list("actor", flat=True)) == [world.beijing.volunteer.pk]


@pytest.mark.django_db
def test_a_triage_decision_counts_as_looking_at_it(client, world, self_reported):
    login(client, world.beijing.coordinator)
    client.post(
        reverse("cases:transition", args=[self_reported.number, "refer"]),
        {"refer-expected_state": "received", "refer-to": "区劳动监察大队", "refer-reason": "欠薪"},
    )
    assert SmsMessage.objects.filter(template="selfhelp_seen").count() == 1


@pytest.mark.django_db
def test_a_volunteer_completes_the_id_number_and_a_party_and_both_are_logged(
    client, world, self_reported
):
    case = self_reported
    login(client, world.beijing.volunteer)
    bad = client.post(
        reverse("cases:update_worker", args=[case.number]),
        {
            "worker-name": "赵师傅",
            "worker-id_number": "110105199001011234",
            "worker-platform": "meituan",
            "worker-arrangement": "crowd",
        },
    )
    assert bad.status_code == 400 and "校验位不正确" in bad.content.decode()
    client.post(
        reverse("cases:update_worker", args=[case.number]),
        {
            "worker-name": "赵大明",
            "worker-id_number": "11010519491231002X",
            "worker-platform": "meituan",
            "worker-arrangement": "crowd",
        },
    )
    client.post(
        reverse("cases:add_party", args=[case.number]),
        {"party-kind": "agency", "party-name": "北京某某配送服务有限公司", "party-contact": ""},
    )
    client.post(
        reverse("cases:update_evidence", args=[case.number]), {"collected": ["pay_records"]}
    )
    case.refresh_from_db()
    case.worker.refresh_from_db()
    assert (case.worker.name, case.worker.id_number, case.worker.arrangement) == (
        "赵大明",
        "11010519491231002X",
        "crowd",
    )
    assert case.parties.filter(kind="agency").exists()
    assert case.evidence["pay_records"] is True
    kinds = list(case.events.filter(actor=world.beijing.volunteer).values_list("kind", flat=True))
    assert kinds == ["worker", "party", "evidence"]
    worker_event = case.events.get(kind="worker")
    assert worker_event.data == {
        "fields": ["name", "id_number", "arrangement"],
        "source": "case_page",
    }
    # Leaving the ID number empty keeps it.
    client.post(
        reverse("cases:update_worker", args=[case.number]),
        {
            "worker-name": "赵大明",
            "worker-id_number": "",
            "worker-platform": "meituan",
            "worker-arrangement": "crowd",
        },
    )
    case.worker.refresh_from_db()
    assert case.worker.id_number == "11010519491231002X"


@pytest.mark.django_db
def test_the_self_help_account_sees_nothing_and_cannot_sign_in(client, world, self_reported):
    account = get_user_model().objects.get(username=submission.SYSTEM_USERNAME)
    assert not Case.objects.visible_to(account).exists()
    assert not client.login(username=submission.SYSTEM_USERNAME, password="")
