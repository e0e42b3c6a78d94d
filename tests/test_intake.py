"""Station intake: the form, its validation, consent, attachments and the receipt."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.intake import access_code_hash
from cases.models import Attachment, Case, CaseEvent, ConsentText, Party
from lawyers.models import ClaimType
from tests.helpers import login, make_case, make_consent

NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def consent(db):
    return make_consent()


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def intake_data(station, **overrides):
    data = {
        "station": station.pk,
        "name": "李大壮",
        "phone": "13800138000",
        "id_number": "",
        "platform": "meituan",
        "arrangement": "crowd",
        "claims": ["injury", "tort"],
        "incident_date": "2026-11-02",
        "facts": "送餐途中在望京街与出租车相撞，右脚骨折，住院十天。",
        "amount_claimed": "50000",
        "evidence": ["medical_records", "accident_proof"],
        "consent": "on",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "8",
        "parties-0-kind": "platform",
        "parties-0-name": "北京三快科技有限公司",
        "parties-1-kind": "other_driver",
        "parties-1-name": "出租车司机张某",
        "parties-1-contact": "京B·T1234",
        "parties-2-kind": "employer",
    }
    data.update(overrides)
    return data


def post_intake(client, station, files=None, **overrides):
    data = intake_data(station, **overrides)
    if files is not None:
        data["files"] = files
    return client.post(reverse("cases:intake"), data)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_volunteer_registers_a_request_and_sees_the_receipt_with_the_access_code(
    client, world, consent
):
    bj = world.beijing
    login(client, bj.volunteer)
    photo = SimpleUploadedFile("伤情.png", png_bytes(), content_type="image/png")
    response = post_intake(client, bj.station, files=[photo])
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:receipt", args=[case.number])
    assert case.number == "110105-2026-00001"
    assert case.state == Case.State.RECEIVED
    assert case.worker.phone == "+8613800138000"
    assert case.claim_list == ["injury", "tort"]
    assert case.evidence["medical_records"] is True and case.evidence["order_records"] is False
    assert case.consent == consent and case.consent_recorded_by == bj.volunteer
    assert [p.name for p in Party.objects.filter(case=case)] == [
        "北京三快科技有限公司",
        "出租车司机张某",
    ]
    attachment = Attachment.objects.get(case=case)
    assert attachment.content_type == "image/png" and attachment.original_name == "伤情.png"

    stored = client.session[f"access_code:{case.number}"]
    assert stored["code"].isdigit() and len(stored["code"]) == 8
    assert case.access_code_hash == access_code_hash(case.number, stored["code"])
    assert stored["code"] not in case.access_code_hash

    page = client.get(response.url).content.decode()
    assert case.number in page and stored["code"] in page
    assert "138****8000" in page and "13800138000" not in page


@pytest.mark.django_db
def test_the_access_code_disappears_from_the_receipt_after_thirty_minutes(client, world, consent):
    login(client, world.beijing.volunteer)
    with time_machine.travel(NOW, tick=False):
        post_intake(client, world.beijing.station)
    case = Case.objects.get()
    code = client.session[f"access_code:{case.number}"]["code"]
    with time_machine.travel(NOW + datetime.timedelta(minutes=29), tick=False):
        assert code in client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    with time_machine.travel(NOW + datetime.timedelta(minutes=31), tick=False):
        page = client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    assert code not in page and "30 分钟" in page
    assert f"access_code:{case.number}" not in client.session


@pytest.mark.django_db
def test_another_user_never_sees_the_access_code_on_the_receipt(client, world, consent):
    login(client, world.beijing.volunteer)
    post_intake(client, world.beijing.station)
    case = Case.objects.get()
    code = client.session[f"access_code:{case.number}"]["code"]
    client.logout()
    login(client, world.beijing.coordinator)
    page = client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    assert case.number in page and code not in page


@pytest.mark.django_db
def test_the_intake_writes_a_created_audit_row_with_the_consent_version(client, world, consent):
    login(client, world.beijing.volunteer)
    post_intake(client, world.beijing.station)
    event = CaseEvent.objects.get()
    assert event.kind == CaseEvent.Kind.CREATED
    assert event.actor == world.beijing.volunteer
    assert event.data == {"consent_version": consent.version}


@pytest.mark.django_db
def test_no_consent_no_case(client, world, consent):
    login(client, world.beijing.volunteer)
    data = intake_data(world.beijing.station)
    del data["consent"]
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert "须向劳动者宣读个人信息告知同意书并取得同意" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_without_an_active_consent_text_nobody_can_register(client, world):
    ConsentText.objects.all().delete()
    login(client, world.beijing.volunteer)
    response = post_intake(client, world.beijing.station)
    assert response.status_code == 400
    assert "尚未设置个人信息告知同意书" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_intake_page_shows_the_current_consent_text(client, world, consent):
    login(client, world.beijing.volunteer)
    page = client.get(reverse("cases:intake")).content.decode()
    assert all(line in page for line in consent.text.splitlines())  # one <br> per line
    assert "已向劳动者宣读并取得同意" in page


def test_the_intake_page_in_english_shows_the_consent_texts_english_version(
    client, world, shipped_consent
):
    login(client, world.beijing.volunteer)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("cases:intake")).content.decode()
    assert "Notice and consent on the handling of personal information (v1.0)" in page
    assert "个人信息处理告知同意书" not in page


BAD_INPUT = [
    ("phone", {"phone": "12345678901"}, "请输入有效的手机号，例如 13800138000"),
    ("phone", {"phone": "1380013800"}, "请输入有效的手机号，例如 13800138000"),
    ("phone", {"phone": ""}, "请填写劳动者的手机号"),
    # A landline cannot receive the status-page codes or the notices.
    ("phone", {"phone": "010-12345678"}, "请输入有效的手机号，例如 13800138000"),
    ("id_number", {"id_number": "110105199001011235"}, "身份证号校验位不正确"),
    ("id_number", {"id_number": "11010519900101"}, "身份证号应为 18 位"),
    ("incident_date", {"incident_date": "2026-12-25"}, "事发日期不能晚于今天"),
    ("incident_date", {"incident_date": "1899-01-01"}, "事发日期早于 1990 年"),
    ("incident_date", {"incident_date": "2026-02-30"}, "请输入有效日期"),
    ("amount_claimed", {"amount_claimed": "-100"}, "金额不能为负数"),
    ("amount_claimed", {"amount_claimed": "很多"}, "请输入金额数字"),
    ("claims", {"claims": []}, "请至少选择一种求助类型"),
    ("claims", {"claims": ["consult", "wage"]}, "“仅咨询”不能与其他求助类型同时选择"),
    ("facts", {"facts": "   "}, "请简要记录发生了什么"),
]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("field, overrides, message", BAD_INPUT)
def test_bad_input_is_refused_next_to_the_field_and_everything_else_is_kept(
    client, world, consent, field, overrides, message
):
    login(client, world.beijing.volunteer)
    response = post_intake(client, world.beijing.station, **overrides)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Case.objects.exists()
    # the message sits inside the field's own block
    block = page.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]
    assert message in block
    # what was typed elsewhere is still there
    if field != "facts":
        assert "送餐途中在望京街与出租车相撞" in page
    if field != "phone":
        assert 'value="13800138000"' in page or 'value="+8613800138000"' in page
    assert "北京三快科技有限公司" in page and "京B·T1234" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["138-0013-8000", "+86 138 0013 8000", "008613800138000", "１３８００１３８０００"]
)
def test_phone_numbers_in_common_notations_are_stored_in_e164(client, world, consent, typed):
    login(client, world.beijing.volunteer)
    assert post_intake(client, world.beijing.station, phone=typed).status_code == 302
    assert str(Case.objects.get().worker.phone) == "+8613800138000"


@pytest.mark.django_db
def test_an_id_number_typed_in_full_width_is_accepted(client, world, consent):
    login(client, world.beijing.volunteer)
    post_intake(client, world.beijing.station, id_number="１１０１０５１９４９１２３１００２Ｘ")
    assert Case.objects.get().worker.id_number == "11010519491231002X"


@pytest.mark.django_db
def test_a_valid_id_number_is_stored_and_shown_masked(client, world, consent):
    login(client, world.beijing.volunteer)
    post_intake(client, world.beijing.station, id_number="11010519491231002x")
    case = Case.objects.get()
    assert case.worker.id_number == "11010519491231002X"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "110***********002X" in page and "11010519491231002X" not in page


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_file, message",
    [
        (lambda: upload("伤情.jpg", b"MZ\x90\x00" + b"\x00" * 200), "不是 JPG、PNG 图片或 PDF"),
        (lambda: upload("a.jpg", b"\xff\xd8\xff\xe0" + b"junk" * 50), "图片已损坏"),
        (lambda: upload("a.html", b"<html><script>alert(1)</script>", "text/html"), "不是 JPG"),
        (lambda: upload("empty.pdf", b"", "application/pdf"), "空文件"),
    ],
    ids=["exe-renamed-jpg", "broken-jpeg", "html", "empty"],
)
def test_disguised_broken_or_empty_files_are_refused(client, world, consent, make_file, message):
    login(client, world.beijing.volunteer)
    response = post_intake(client, world.beijing.station, files=[make_file()])
    assert response.status_code == 400
    block = response.content.decode().split('id="field-files"', 1)[1]
    assert message in block.split("</div>", 1)[0]
    assert not Case.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused_with_the_limit_in_the_message(
    client, world, consent, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    login(client, world.beijing.volunteer)
    big = upload("扫描件.pdf", b"%PDF-1.4\n" + b"0" * 2000, "application/pdf")
    response = post_intake(client, world.beijing.station, files=[big])
    assert response.status_code == 400
    assert "单个附件不能超过 1.0\xa0KB" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_jpeg_png_and_pdf_are_accepted_and_typed_by_content(client, world, consent):
    login(client, world.beijing.volunteer)
    files = [
        upload("photo.png", jpeg_bytes(), "image/png"),  # misnamed, but a real JPEG
        upload("病历.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
        upload("截图.png", png_bytes(), "image/png"),
    ]
    assert post_intake(client, world.beijing.station, files=files).status_code == 302
    types = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/jpeg", "image/png"]
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ATTACHMENT).count() == 3


@pytest.mark.django_db
def test_attachments_are_stored_privately_under_a_name_that_reveals_nothing(
    client, world, consent, private_files
):
    login(client, world.beijing.volunteer)
    post_intake(client, world.beijing.station, files=[upload("王小明身份证.png", png_bytes())])
    attachment = Attachment.objects.get()
    assert "王小明" not in attachment.file.name
    assert (private_files / attachment.file.name).exists()
    # no URL serves the storage directly: only the permission-checked view
    assert client.get(attachment.file.url).status_code == 404
    assert client.get("/media/" + attachment.file.name).status_code == 404


@pytest.mark.django_db
def test_a_worker_with_an_open_case_is_shown_it_without_being_blocked(client, world, consent):
    bj = world.beijing
    earlier = make_case(bj.station, bj.volunteer, worker={"name": "李大壮", "phone": "13800138000"})
    login(client, bj.volunteer)
    notice = client.post(reverse("cases:intake_open_cases"), {"phone": "138 0013 8000"})
    assert earlier.number in notice.content.decode()
    response = post_intake(client, bj.station)
    assert response.status_code == 302
    new = Case.objects.exclude(pk=earlier.pk).get()
    assert new.worker_id == earlier.worker_id
    receipt = client.get(response.url).content.decode()
    assert "该劳动者已有在办案件" in receipt and earlier.number in receipt


@pytest.mark.django_db
def test_the_open_case_notice_never_reveals_cases_outside_the_users_scope(client, world, consent):
    km = world.kunming
    make_case(km.station, km.volunteer, worker={"name": "李大壮", "phone": "13800138000"})
    login(client, world.beijing.volunteer)
    notice = client.post(reverse("cases:intake_open_cases"), {"phone": "13800138000"})
    assert notice.content.decode().strip() == ""


@pytest.mark.django_db
def test_a_volunteer_cannot_register_a_case_for_another_station(client, world, consent):
    login(client, world.beijing.volunteer)
    response = post_intake(client, world.kunming.station)
    assert response.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_may_register_at_any_station_in_scope(client, world, consent):
    login(client, world.kunming.coordinator)
    assert post_intake(client, world.kunming.station).status_code == 302
    assert Case.objects.get().number.startswith("530103-")


@pytest.mark.django_db
def test_a_lawyer_cannot_open_the_intake_page(client, world):
    login(client, world.beijing.lawyer.user)
    assert client.get(reverse("cases:intake")).status_code == 404


@pytest.mark.django_db
def test_another_stations_worker_is_not_reused_so_their_id_number_stays_there(
    client, world, consent
):
    # Same name and phone, logged at a station of another region: a new worker row, so
    # the Kunming volunteer cannot reveal or print the ID number Beijing recorded.
    bj, km = world.beijing, world.kunming
    earlier = make_case(
        bj.station,
        bj.volunteer,
        worker={"name": "李大壮", "phone": "13800138000", "id_number": "11010519491231002X"},
    )
    login(client, km.volunteer)
    assert post_intake(client, km.station).status_code == 302
    new = Case.objects.exclude(pk=earlier.pk).get()
    assert new.worker_id != earlier.worker_id and new.worker.id_number == ""
    page = client.post(reverse("cases:reveal", args=[new.number])).content.decode()
    assert "11010519491231002X" not in page
    earlier.worker.refresh_from_db()
    assert earlier.worker.id_number == "11010519491231002X"  # not overwritten either


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_intake_post_stays_within_a_fixed_number_of_queries(
    client, world, consent, django_assert_max_num_queries
):
    bj = world.beijing
    make_case(bj.station, bj.volunteer)  # not the station's first case of the year
    login(client, bj.volunteer)
    client.get(reverse("cases:intake"))
    data = intake_data(bj.station)
    data["files"] = [upload("伤情.png", png_bytes(), "image/png")]
    # 26: session, user, memberships, consent, station; worker lookup and insert; case
    # number (update, read); case, parties (one insert), event; the milestone, holiday
    # overrides and its deadlines (one insert); attachment and its event; the session
    # write; the statistics rollup (one upsert), its change mark (one insert) and the
    # respondent's display name; and 4 SAVEPOINT/RELEASE statements that the test's own
    # transaction adds.
    with django_assert_max_num_queries(26):
        response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 302
    new = Case.objects.latest("pk")
    assert new.parties.count() == 2 and new.attachments.count() == 1


@pytest.mark.django_db
def test_claim_choices_match_the_issue(client, world, consent):
    login(client, world.beijing.volunteer)
    page = client.get(reverse("cases:intake")).content.decode()
    for _code, label in ClaimType.choices:
        assert str(label) in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"parties-TOTAL_FORMS": "5000"},
        {"parties-TOTAL_FORMS": "x", "parties-INITIAL_FORMS": "y"},
        {"station": "999999"},
        {"station": "abc"},
        {"claims": ["not-a-claim"]},
        {"platform": "<script>"},
        {"incident_date": "99999-01-01"},
        {"amount_claimed": "1e400"},
        {"amount_claimed": "12345678901234567890"},
        {"parties-0-kind": "nonsense"},
        {"name": "张" * 500},
    ],
    ids=lambda o: ",".join(o),
)
def test_hostile_input_gets_a_form_error_never_a_500(client, world, consent, overrides):
    login(client, world.beijing.volunteer)
    data = intake_data(world.beijing.station)
    data.update(overrides)
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_missing_management_form_is_an_error_not_a_500(client, world, consent):
    login(client, world.beijing.volunteer)
    data = {k: v for k, v in intake_data(world.beijing.station).items() if "FORMS" not in k}
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert not Case.objects.exists()
