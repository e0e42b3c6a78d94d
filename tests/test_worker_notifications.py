"""SMS to the worker on the transitions that concern them, once each, from the one write path."""

import re

import pytest

from cases.models import Case, CaseEvent, SmsMessage
from cases.notices import notify
from cases.workflow import apply_transition
from tests.helpers import delivered_sms, make_case, make_case_with_code

PHONE = "+8613912345678"


def worker_sms(phone=PHONE):
    return list(SmsMessage.objects.filter(phone=phone).order_by("pk"))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the write path queues after commit (the notification tasks, synchronously)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.mark.django_db
def test_intake_texts_the_worker_the_case_number_and_the_access_code(world, committed):
    case, code = committed(
        make_case_with_code, world.beijing.station, world.beijing.volunteer, worker={"phone": PHONE}
    )
    [message] = worker_sms()
    assert message.template == "case_received"
    received = delivered_sms(PHONE, "case_received")  # as the phone got it
    assert case.number in received and code in received
    assert case.number in message.body and code not in message.body  # the stored copy
    assert message.dedupe_key == f"case:{case.pk}:received"
    assert message.status == SmsMessage.Status.SENT


@pytest.mark.django_db
def test_the_received_message_goes_out_once_even_if_the_task_runs_twice(world, committed):
    case, code = committed(make_case_with_code, world.beijing.station, worker={"phone": PHONE})
    committed(notify.case_received, case.pk, code)
    assert len(worker_sms()) == 1


@pytest.mark.parametrize(
    ("state", "template", "words"),
    [
        (Case.State.ACCEPTED, "case_accepted", "已受理"),
        (Case.State.REFERRED, "case_referred", "区人社局劳动保障监察大队"),
        (Case.State.IN_PROGRESS, "lawyer_accepted", "律师"),
        (Case.State.RESOLVED, "case_resolved", "已办结"),
        (Case.State.WITHDRAWN, "case_withdrawn", "撤回"),
    ],
)
@pytest.mark.django_db
def test_each_worker_facing_transition_sends_its_message_once(
    world, committed, state, template, words
):
    case = committed(
        make_case,
        world.beijing.station,
        worker={"phone": PHONE},
        state=state,
        lawyer=world.beijing.lawyer,
    )
    messages = [m for m in worker_sms() if m.template == template]
    assert len(messages) == 1
    assert case.number in messages[0].body and words in messages[0].body
    assert messages[0].body.endswith("【驿站法援】") and len(messages[0].body) <= 70


@pytest.mark.django_db
def test_the_lawyer_accepted_message_names_the_lawyer_and_the_firm(world, committed):
    committed(
        make_case,
        world.beijing.station,
        worker={"phone": PHONE},
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
    )
    [message] = [m for m in worker_sms() if m.template == "lawyer_accepted"]
    assert world.beijing.lawyer.name in message.body and world.beijing.lawyer.firm in message.body


@pytest.mark.django_db
def test_the_full_path_to_resolution_texts_the_worker_at_each_step_and_not_on_assignment(
    world, committed
):
    committed(
        make_case,
        world.beijing.station,
        worker={"phone": PHONE},
        state=Case.State.RESOLVED,
        lawyer=world.beijing.lawyer,
    )
    templates = [m.template for m in worker_sms()]
    assert templates == ["case_received", "case_accepted", "lawyer_accepted", "case_resolved"]


@pytest.mark.django_db
def test_each_notification_is_sent_once_even_if_the_handler_runs_twice(world, committed):
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    event = committed(
        apply_transition,
        case,
        "accept_for_aid",
        world.admin,
        eligibility=Case.Eligibility.EXEMPT_42_3,
    )
    assert len(worker_sms()) == 1
    event = CaseEvent.objects.select_related("case__worker", "case__lawyer").get(pk=event.pk)
    committed(notify.worker_notice, event, "case_accepted")
    committed(notify.worker_notice, event, "case_accepted")
    committed(notify.transition_done, event.pk, "case_accepted")
    [message] = worker_sms()
    assert message.dedupe_key == f"event:{event.pk}:worker"


@pytest.mark.django_db
def test_a_long_referral_destination_is_shortened_to_keep_one_sms(world, committed):
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    committed(
        apply_transition,
        case,
        "refer",
        world.admin,
        to="北京市朝阳区人力资源和社会保障局劳动保障监察执法大队第三中队（朝阳路 88 号二楼）",
        reason="属劳动监察受理范围",
    )
    [message] = worker_sms()
    assert len(message.body) <= 70 and "北京市朝阳区人力资源" in message.body


@pytest.mark.django_db
def test_worker_messages_carry_no_sensitive_detail(world, committed):
    committed(
        make_case,
        world.beijing.station,
        worker={"phone": PHONE, "name": "王小明", "id_number": "11010519491231002X"},
        parties=[{"kind": "employer", "name": "某某配送有限公司"}],
        state=Case.State.RESOLVED,
        lawyer=world.beijing.lawyer,
    )
    for message in worker_sms():
        for secret in ("王小明", "11010519491231002X", "某某配送", "送餐途中", "12000"):
            assert secret not in message.body


@pytest.mark.django_db
def test_the_access_code_in_the_received_sms_opens_the_status_page(client, world, committed):
    case, _code = committed(make_case_with_code, world.kunming.station, worker={"phone": PHONE})
    code = re.search(r"查询码(\d{8})", delivered_sms(PHONE, "case_received")).group(1)
    committed(client.post, "/status/", {"phone": PHONE})
    client.post("/status/verify/", {"code": code})
    assert case.number in client.get("/status/cases/").content.decode()


@pytest.mark.django_db
def test_the_worker_is_texted_in_chinese_when_staff_work_in_english(world, committed):
    from django.utils import translation

    case = make_case(world.beijing.station, worker={"phone": PHONE})
    with translation.override("en"):
        committed(
            apply_transition,
            case,
            "accept_for_aid",
            world.beijing.coordinator,
            eligibility=Case.Eligibility.EXEMPT_42_3,
        )
    [message] = [m for m in worker_sms() if m.template == "case_accepted"]
    assert "已受理" in message.body and "accepted" not in message.body
