"""The worker's status page: phone, code, cases — and every way it refuses to leak."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Deadline, SmsMessage, StatusChallenge, StatusLookup
from cases.status import lookup, session
from tests.helpers import delivered_sms, make_case, make_case_with_code

PHONE = "+8613912345678"
OTHER_PHONE = "+8613698765432"
UNKNOWN = "+8613500000001"
T0 = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Step 1 through the real view; after-commit work (the SMS task) runs."""

    def submit(phone, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("status:start"), {"phone": phone}, **extra)

    return submit


def sms_code(phone=PHONE):
    return re.search(r"\d{6}", delivered_sms(phone, "status_code")).group()


def enter(client, code, **extra):
    return client.post(reverse("status:verify"), {"code": code}, **extra)


def page_text(response):
    # The same page for two requests differs only in its CSRF token.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


@pytest.mark.django_db
def test_worker_opens_their_case_with_the_phone_number_and_the_sms_code(client, ask, world, clock):
    case = make_case(
        world.kunming.station,
        world.kunming.volunteer,
        worker={"phone": PHONE},
        state=Case.State.IN_PROGRESS,
        lawyer=world.kunming.lawyer,
    )
    response = ask("139 1234 5678")
    assert response.status_code == 302 and response["Location"] == reverse("status:verify")
    response = client.get(reverse("status:verify"))
    assert "如果该号码登记过求助，验证码已发送" in response.content.decode()
    assert "139****5678" in response.content.decode()

    response = enter(client, sms_code())
    assert response["Location"] == reverse("status:cases")
    page = client.get(reverse("status:cases")).content.decode()
    assert case.number in page
    assert "律师已接案，正在办理" in page
    assert "工伤" in page
    assert world.kunming.lawyer.name in page and world.kunming.lawyer.firm in page
    assert world.kunming.station.phone in page
    assert "请按律师的要求准备材料" in page
    outcomes = list(StatusLookup.objects.order_by("at", "pk").values_list("outcome", flat=True))
    assert outcomes == ["code_sent", "code_ok"]


@pytest.mark.django_db
def test_worker_opens_their_case_with_the_access_code_printed_on_the_receipt(client, ask, world):
    case, access_code = make_case_with_code(
        world.beijing.station, world.beijing.volunteer, worker={"phone": PHONE}
    )
    ask(PHONE)
    response = enter(client, f"{access_code[:4]} {access_code[4:]}")
    assert response["Location"] == reverse("status:cases")
    page = client.get(reverse("status:cases")).content.decode()
    assert case.number in page and "已登记，工会正在审核您的求助" in page
    assert StatusLookup.objects.filter(outcome=StatusLookup.Outcome.RECEIPT_OK).count() == 1


@pytest.mark.django_db
def test_another_phones_receipt_code_does_not_open_anything(client, ask, world):
    make_case(world.beijing.station, worker={"phone": PHONE})
    _other, other_code = make_case_with_code(world.beijing.station, worker={"phone": OTHER_PHONE})
    ask(PHONE)
    response = enter(client, other_code)
    assert response.status_code == 200
    assert "验证码或查询码不正确，还可以再试 9 次" in response.content.decode()
    assert client.get(reverse("status:cases"))["Location"] == reverse("status:start")


@pytest.mark.django_db
def test_a_known_and_an_unknown_number_get_the_same_answer(client, ask, world, clock):
    make_case(world.beijing.station, worker={"phone": PHONE})
    known = ask(PHONE)
    known_page = page_text(client.get(reverse("status:verify")))
    client.cookies.clear()
    unknown = ask("+8613912345679")
    unknown_page = page_text(client.get(reverse("status:verify")))

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known_page.replace("139****5678", "X") == unknown_page.replace("139****5679", "X")
    # Same work in the database for both; only the SMS differs, sent later by the task.
    assert StatusChallenge.objects.count() == 2
    assert list(StatusLookup.objects.values_list("outcome", flat=True)) == ["code_sent"] * 2
    assert SmsMessage.objects.filter(template="status_code").count() == 1


@pytest.mark.django_db
def test_an_unknown_number_cannot_get_in_with_any_code(client, ask, world):
    ask(UNKNOWN)
    response = enter(client, "123456")
    assert "验证码或查询码不正确" in response.content.decode()
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db
def test_the_log_never_holds_the_raw_number_or_address(client, ask, world):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE, REMOTE_ADDR="203.0.113.7")
    enter(client, "000000", REMOTE_ADDR="203.0.113.7")
    for row in StatusLookup.objects.values("phone_hash", "ip_hash"):
        assert "13912345678" not in str(row) and "203.0.113.7" not in str(row)
        assert row["phone_hash"] == lookup.phone_hash(PHONE)
    assert "13912345678" not in str(list(StatusChallenge.objects.values()))


@pytest.mark.django_db
def test_a_code_expires_after_ten_minutes(client, ask, world, clock):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    code = sms_code()
    clock.shift(datetime.timedelta(minutes=10, seconds=1))
    response = enter(client, code)
    assert "验证码已过期，请重新获取" in response.content.decode()
    assert client.get(reverse("status:cases"))["Location"] == reverse("status:start")


@pytest.mark.django_db
def test_a_code_works_once(client, ask, world):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    code = sms_code()
    assert enter(client, code)["Location"] == reverse("status:cases")
    client.post(reverse("status:logout"))
    django_session = client.session  # back at step 2 with the same, already used, code
    session.start_pending(django_session, PHONE)
    django_session.save()
    assert "验证码已过期" in enter(client, code).content.decode()


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_phone_with_the_waiting_time(client, ask, world, clock):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    code = sms_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"还可以再试 {left} 次" in enter(client, wrong).content.decode()
    assert "请 30 分钟后再试" in enter(client, wrong).content.decode()
    # Locked: even the right code and a new code are refused, with the time left.
    clock.shift(datetime.timedelta(minutes=10))
    assert "已暂时锁定，请 20 分钟后再试" in enter(client, code).content.decode()
    response = ask(PHONE, follow=True)  # to step 2 still: the receipt code works
    assert "已暂时锁定，请 20 分钟后再试" in response.content.decode()
    assert "8 位查询码" in response.content.decode()
    assert StatusChallenge.objects.get().failed_attempts == 5
    assert StatusLookup.objects.filter(outcome="locked").count() == 2
    # After the lock, a new code works.
    clock.shift(datetime.timedelta(minutes=21))
    assert ask(PHONE).status_code == 302
    assert enter(client, sms_code())["Location"] == reverse("status:cases")


@pytest.mark.django_db
def test_a_new_code_needs_sixty_seconds_since_the_last(client, ask, world, clock):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    clock.shift(datetime.timedelta(seconds=45))
    response = client.post(reverse("status:resend"), follow=True)
    assert "请 15 秒后再重新获取" in response.content.decode()
    clock.shift(datetime.timedelta(seconds=16))
    response = client.post(reverse("status:resend"), follow=True)
    assert "验证码已发送" in response.content.decode()
    assert (
        SmsMessage.objects.filter(template="status_code").count() == 1
    )  # the resend was not captured
    assert StatusChallenge.objects.count() == 2


@pytest.mark.django_db
def test_a_phone_gets_at_most_five_codes_a_day(client, ask, world, clock):
    for _ in range(5):
        assert ask(PHONE).status_code == 302
        clock.shift(datetime.timedelta(minutes=2))
    response = ask(PHONE, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("status:verify")  # the receipt code works
    assert "今天获取验证码的次数已达上限，请 约 24 小时后再试" in page
    assert StatusChallenge.objects.count() == 5
    clock.shift(datetime.timedelta(hours=24))
    assert ask(PHONE).status_code == 302


@pytest.mark.django_db
def test_an_address_that_asks_too_often_is_told_how_long_to_wait(
    client, ask, world, settings, clock
):
    settings.STATUS_IP_LIMIT = 3
    settings.STATUS_IP_WINDOW_MINUTES = 60
    for n in range(3):
        assert ask(f"+86139000000{n:02d}", REMOTE_ADDR="198.51.100.1").status_code == 302
        clock.shift(datetime.timedelta(minutes=5))
    response = ask("+8613900000099", REMOTE_ADDR="198.51.100.1")
    assert "这个网络的查询次数太多，请 45 分钟后再试" in response.content.decode()
    assert ask("+8613900000099", REMOTE_ADDR="198.51.100.2").status_code == 302
    clock.shift(datetime.timedelta(minutes=46))
    assert ask("+8613900000098", REMOTE_ADDR="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_the_status_session_ends_after_fifteen_minutes(client, ask, world, clock):
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    enter(client, sms_code())
    clock.shift(datetime.timedelta(minutes=14))
    assert case.number in client.get(reverse("status:cases")).content.decode()
    clock.shift(datetime.timedelta(minutes=1, seconds=1))
    response = client.get(reverse("status:cases"), follow=True)
    assert case.number not in response.content.decode()
    assert "查询已超过 15 分钟" in response.content.decode()


@pytest.mark.django_db
def test_the_exit_button_ends_the_session(client, ask, world):
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    enter(client, sms_code())
    page = client.get(reverse("status:cases")).content.decode()
    assert "退出" in page
    assert client.get(reverse("status:logout")).status_code == 405  # state changes are POST only
    response = client.post(reverse("status:logout"), follow=True)
    assert "您已退出查询" in response.content.decode()
    assert case.number not in client.get(reverse("status:cases"), follow=True).content.decode()


@pytest.mark.django_db
def test_a_second_workers_cases_are_never_shown(client, ask, world):
    mine = make_case(world.beijing.station, worker={"phone": PHONE, "name": "王小明"})
    again = make_case(world.kunming.station, worker={"phone": PHONE, "name": "王晓明"})
    theirs = make_case(world.beijing.station, worker={"phone": OTHER_PHONE, "name": "李四"})
    ask(PHONE)
    enter(client, sms_code())
    page = client.get(reverse("status:cases")).content.decode()
    assert mine.number in page and again.number in page
    assert theirs.number not in page


@pytest.mark.django_db
def test_the_page_shows_no_notes_parties_or_id_numbers(client, ask, world):
    case = make_case(
        world.beijing.station,
        worker={"phone": PHONE, "id_number": "11010519491231002X"},
        parties=[{"kind": "employer", "name": "某某配送有限公司", "contact": "13700000000"}],
        facts="内部备注：雇主恶意拖欠",
    )
    ask(PHONE)
    enter(client, sms_code())
    page = client.get(reverse("status:cases")).content.decode()
    assert case.number in page
    for secret in (
        "11010519491231002X",
        "某某配送有限公司",
        "13700000000",
        "内部备注",
        "13912345678",
    ):
        assert secret not in page


@pytest.mark.django_db
def test_the_nearest_worker_side_deadline_is_said_in_plain_words(client, ask, world, clock):
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    common = {
        "case": case,
        "trigger_date": datetime.date(2026, 11, 2),
        "citation": "工伤保险条例第十七条",
    }
    Deadline.objects.create(
        rule="injury.worker_application",
        due_date=datetime.date(2026, 11, 26),
        binds="worker",
        **common,
    )
    Deadline.objects.create(
        rule="injury.employer_application",
        due_date=datetime.date(2026, 11, 10),
        binds="agency",
        **common,
    )
    Deadline.objects.create(
        rule="labor.arbitration_limitation",
        due_date=datetime.date(2026, 11, 5),
        binds="worker",
        status="done",
        **common,
    )
    ask(PHONE)
    enter(client, sms_code())
    page = client.get(reverse("status:cases")).content.decode()
    assert "距离申请工伤认定的期限还有 23 天（2026年11月26日）" in page
    assert "申请劳动仲裁" not in page


@pytest.mark.django_db
def test_a_referred_case_says_where_to_go(client, ask, world):
    make_case(world.beijing.station, worker={"phone": PHONE}, state=Case.State.REFERRED)
    ask(PHONE)
    enter(client, sms_code())
    page = client.get(reverse("status:cases")).content.decode()
    assert "已转介到其他机构办理" in page and "请联系：区人社局劳动保障监察大队" in page


@pytest.mark.django_db
def test_the_cases_page_runs_the_same_few_queries_for_one_case_or_twelve(
    client, ask, world, django_assert_num_queries
):
    for _ in range(12):
        case = make_case(world.beijing.station, worker={"phone": PHONE})
    Deadline.objects.create(
        case=case,
        rule="civil.appeal",
        trigger_date=datetime.date(2026, 11, 2),
        due_date=datetime.date(2026, 11, 17),
        binds="worker",
        citation="民事诉讼法第一百七十一条",
    )
    make_case(world.beijing.station, worker={"phone": OTHER_PHONE})
    ask(PHONE)
    enter(client, sms_code())
    # One query for the cases with station, lawyer and nearest deadline: the status
    # session is a signed cookie, so no session row is read.
    with django_assert_num_queries(1):
        assert client.get(reverse("status:cases")).status_code == 200
    client.post(reverse("status:logout"))
    ask(OTHER_PHONE)
    enter(client, sms_code(OTHER_PHONE))
    with django_assert_num_queries(1):
        assert client.get(reverse("status:cases")).status_code == 200


@pytest.mark.django_db
def test_a_mistyped_phone_number_gets_a_clear_error_and_keeps_what_was_typed(client):
    response = client.post(reverse("status:start"), {"phone": "1391234567"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入正确的 11 位手机号" in page and 'value="1391234567"' in page
    assert not StatusChallenge.objects.exists()
    assert (
        "请输入您在驿站登记时留下的手机号"
        in client.post(reverse("status:start"), {"phone": ""}).content.decode()
    )


@pytest.mark.django_db
def test_a_code_of_the_wrong_length_is_refused_before_it_counts(client, ask, world):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    page = enter(client, "12345").content.decode()
    assert "请输入短信里的 6 位验证码，或回执上的 8 位查询码" in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert StatusChallenge.objects.get().failed_attempts == 0


@pytest.mark.django_db
def test_step_two_and_three_without_step_one_go_back_to_the_start(client):
    assert client.get(reverse("status:verify"))["Location"] == reverse("status:start")
    assert client.post(reverse("status:verify"), {"code": "123456"})["Location"] == reverse(
        "status:start"
    )
    assert client.get(reverse("status:cases"))["Location"] == reverse("status:start")
    assert client.get(reverse("status:start")).status_code == 200


@pytest.mark.django_db
def test_the_outbox_page_exists_only_in_debug_and_only_for_staff(
    client, admin_client, settings, world
):
    SmsMessage.objects.create(
        phone=PHONE, template="status_code", body="您的案件查询验证码为424242"
    )
    settings.DEBUG = False
    assert admin_client.get(reverse("status:outbox")).status_code == 404
    settings.DEBUG = True
    assert client.get(reverse("status:outbox")).status_code == 404
    page = admin_client.get(reverse("status:outbox"), {"q": "13912345678"}).content.decode()
    assert "424242" in page and "139****5678" in page and "13912345678\n" not in page


@pytest.mark.django_db
def test_the_back_office_unlocks_a_phone_by_typing_its_number(client, ask, admin_client, world):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    for _ in range(5):
        enter(client, "999999" if sms_code() != "999999" else "888888")
    assert "已暂时锁定" in ask(PHONE, follow=True).content.decode()
    url = reverse("admin:cases_statuschallenge_unlock")
    assert "请输入正确的 11 位手机号" in admin_client.post(url, {"phone": "123"}).content.decode()
    response = admin_client.post(url, {"phone": "13912345678"}, follow=True)
    assert "可以重新获取验证码" in response.content.decode()
    assert ask(PHONE).status_code == 302
    # The lookup log is searchable by typing the number, and keeps its rows.
    log = admin_client.get(reverse("admin:cases_statuslookup_changelist"), {"q": "13912345678"})
    assert "code_wrong" in log.content.decode() or "验证码错误" in log.content.decode()


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_wrong_codes_sent_at_once_never_get_more_than_five_tries():
    import threading

    from django.db import connection, connections

    from tests.helpers import make_world

    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    lookup.request_code(PHONE, "192.0.2.1")
    results, barrier = [], threading.Barrier(8)

    def guess(n):
        try:
            barrier.wait()
            lookup.verify(PHONE, f"{n:06d}", f"192.0.2.{n + 10}")
        except lookup.Refused as refusal:
            results.append(refusal.message)
        except Exception as exc:  # noqa: BLE001 — SQLite's writer lock may refuse one
            results.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    if connection.vendor == "sqlite":
        threads = threads[:1]  # SQLite serialises writers; the race itself needs PostgreSQL
        barrier = threading.Barrier(1)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    challenge = StatusChallenge.objects.get()
    assert challenge.failed_attempts <= lookup.MAX_ATTEMPTS
    if connection.vendor != "sqlite":
        assert challenge.failed_attempts == lookup.MAX_ATTEMPTS
        assert any("锁定" in r for r in results)
    assert not StatusLookup.objects.filter(outcome__in=["code_ok", "receipt_ok"]).exists()


@pytest.mark.django_db
def test_the_status_cookie_is_signed_and_a_forged_or_altered_one_opens_nothing(client, ask, world):
    from django.core import signing

    make_case(world.beijing.station, worker={"phone": PHONE})
    other = make_case(world.beijing.station, worker={"phone": OTHER_PHONE})
    ask(PHONE)
    enter(client, sms_code())
    cookie = client.cookies[session.STATUS_COOKIE]
    assert cookie["httponly"] and cookie["path"] == reverse("status:start")
    assert PHONE[3:] not in cookie.value  # only the keyed hash of the number
    genuine = cookie.value
    forged = signing.dumps({"h": "x", "w": [other.worker_id]}, salt="another purpose")
    altered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    for value in (forged, altered, "not a cookie"):
        client.cookies[session.STATUS_COOKIE] = value
        response = client.get(reverse("status:cases"))
        assert response.status_code == 302 and response["Location"] == reverse("status:start")
    client.cookies[session.STATUS_COOKIE] = genuine
    assert client.get(reverse("status:cases")).status_code == 200


@pytest.mark.django_db
def test_exiting_deletes_the_status_cookie(client, ask, world):
    make_case(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    enter(client, sms_code())
    response = client.post(reverse("status:logout"))
    assert response.cookies[session.STATUS_COOKIE].value == ""
    assert response.cookies[session.STATUS_COOKIE]["max-age"] == 0


def test_the_client_address_is_the_one_the_proxy_appended_not_one_the_client_wrote(rf, settings):
    settings.STATUS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    request = rf.get("/status/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert lookup.client_ip(request) == "203.0.113.9"
    assert lookup.client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "203.0.113.9"
    settings.STATUS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert lookup.client_ip(rf.get("/", HTTP_X_REAL_IP="198.51.100.4")) == "198.51.100.4"
    assert lookup.client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


@pytest.mark.django_db
def test_a_client_cannot_escape_the_address_limit_by_writing_its_own_forwarded_header(
    client, ask, world, settings
):
    settings.STATUS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.STATUS_IP_LIMIT = 2
    for n in range(2):
        forged = f"10.0.0.{n}, 198.51.100.1"
        assert ask(f"+86139000000{n:02d}", HTTP_X_FORWARDED_FOR=forged).status_code == 302
    response = ask("+8613900000099", HTTP_X_FORWARDED_FOR="10.0.0.99, 198.51.100.1")
    assert "这个网络的查询次数太多" in response.content.decode()


# --- A receipt code proves one case; the SMS code proves the phone (hole 3) -----------


@pytest.mark.django_db
def test_a_receipt_code_opens_its_workers_cases_and_never_another_persons_under_the_phone(
    client, ask, world
):
    bj, km = world.beijing, world.kunming
    ma = make_case(
        bj.station,
        bj.volunteer,
        worker={"phone": PHONE, "name": "马建军"},
        state=Case.State.IN_PROGRESS,
        lawyer=bj.lawyer,
    )
    # Someone registers "李四" in Kunming with 马建军's phone number, twice.
    li, li_code = make_case_with_code(
        km.station, km.volunteer, worker={"phone": PHONE, "name": "李四"}
    )
    li_again, _code = make_case_with_code(
        km.station, km.volunteer, worker={"phone": PHONE, "name": "李四"}
    )
    assert li_again.worker_id == li.worker_id != ma.worker_id

    client.post(reverse("status:start"), {"phone": PHONE, "receipt": "1"})
    assert enter(client, li_code)["Location"] == reverse("status:cases")
    page = client.get(reverse("status:cases")).content.decode()
    assert li.number in page and li_again.number in page
    assert ma.number not in page and bj.lawyer.name not in page and bj.station.name not in page

    # The SMS code proves the phone itself: every case under it.
    client.post(reverse("status:logout"))
    ask(PHONE)
    enter(client, sms_code())
    page = client.get(reverse("status:cases")).content.decode()
    assert ma.number in page and li.number in page and li_again.number in page


@pytest.mark.django_db
def test_the_status_cookie_carries_only_the_workers_the_code_proved(client, ask, world):
    ma = make_case(world.beijing.station, worker={"phone": PHONE, "name": "马建军"})
    li, li_code = make_case_with_code(
        world.kunming.station, worker={"phone": PHONE, "name": "李四"}
    )
    client.post(reverse("status:start"), {"phone": PHONE, "receipt": "1"})
    enter(client, li_code)
    opened = session.read_session_cookie(client.cookies[session.STATUS_COOKIE].value)
    assert opened.workers == [li.worker_id]
    client.post(reverse("status:logout"))
    ask(PHONE)
    enter(client, sms_code())
    opened = session.read_session_cookie(client.cookies[session.STATUS_COOKIE].value)
    assert sorted(opened.workers) == sorted([ma.worker_id, li.worker_id])


# --- Nobody who knows the number can shut the worker out (hole 4) -----------------------


@pytest.mark.django_db
def test_the_receipt_code_needs_no_sms_and_no_challenge(client, world):
    case, access_code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    response = client.post(reverse("status:start"), {"phone": PHONE, "receipt": "1"})
    assert response["Location"] == reverse("status:verify")
    assert not StatusLookup.objects.exists()  # nothing asked, nothing counted yet
    assert "8 位查询码" in client.get(reverse("status:verify")).content.decode()
    assert not StatusChallenge.objects.exists()
    assert not SmsMessage.objects.filter(template="status_code").exists()
    assert enter(client, access_code)["Location"] == reverse("status:cases")
    assert case.number in client.get(reverse("status:cases")).content.decode()


@pytest.mark.django_db
def test_five_wrong_sms_codes_do_not_lock_out_the_receipt_code(client, ask, world):
    case, access_code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)  # someone else, who knows the number
    wrong = "000000" if sms_code() != "000000" else "111111"
    for _ in range(5):
        enter(client, wrong)
    assert "已暂时锁定" in enter(client, sms_code()).content.decode()
    client.cookies.clear()  # the worker, on their own phone
    response = ask(PHONE, follow=True)
    assert "已暂时锁定" in response.content.decode() and "8 位查询码" in response.content.decode()
    assert enter(client, access_code)["Location"] == reverse("status:cases")
    assert case.number in client.get(reverse("status:cases")).content.decode()


@pytest.mark.django_db
def test_the_daily_cap_and_the_cooldown_do_not_keep_the_receipt_code_out(client, ask, world, clock):
    case, access_code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    ask(PHONE)
    response = ask(PHONE, follow=True)  # within 60 s: no new SMS, but step 2 is shown
    assert "请 60 秒后再重新获取" in response.content.decode()
    for _ in range(4):
        clock.shift(datetime.timedelta(minutes=2))
        ask(PHONE)
    clock.shift(datetime.timedelta(minutes=2))
    response = ask(PHONE, follow=True)
    assert "次数已达上限" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("status:verify")
    assert enter(client, access_code)["Location"] == reverse("status:cases")


@pytest.mark.django_db
def test_wrong_receipt_codes_have_their_own_limit_and_leave_the_sms_code_working(
    client, ask, world, clock
):
    case, access_code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    client.post(reverse("status:start"), {"phone": PHONE, "receipt": "1"})
    wrong = "12345678" if access_code != "12345678" else "87654321"
    for left in range(lookup.RECEIPT_MAX_ATTEMPTS - 1, 0, -1):
        assert f"还可以再试 {left} 次" in enter(client, wrong).content.decode()
    assert "查询码错误次数太多，请 30 分钟后再试" in enter(client, wrong).content.decode()
    assert "查询码错误次数太多" in enter(client, access_code).content.decode()
    # The SMS code is another way in, with its own tries: still open.
    ask(PHONE)
    assert enter(client, sms_code())["Location"] == reverse("status:cases")
    client.post(reverse("status:logout"))
    clock.shift(lookup.LOCK_DURATION + datetime.timedelta(seconds=1))
    client.post(reverse("status:start"), {"phone": PHONE, "receipt": "1"})
    assert enter(client, access_code)["Location"] == reverse("status:cases")


@pytest.mark.django_db
def test_the_back_office_unlock_also_clears_wrong_receipt_codes(client, admin_client, world):
    _case, access_code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    client.post(reverse("status:start"), {"phone": PHONE, "receipt": "1"})
    for _ in range(lookup.RECEIPT_MAX_ATTEMPTS):
        enter(client, "12345678" if access_code != "12345678" else "87654321")
    assert "查询码错误次数太多" in enter(client, access_code).content.decode()
    admin_client.post(reverse("admin:cases_statuschallenge_unlock"), {"phone": "13912345678"})
    assert enter(client, access_code)["Location"] == reverse("status:cases")
