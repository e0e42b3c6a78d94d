"""The worker's rights over their data (PIPL arts. 44–47), answered by the station's
staff and coordinators: a complete copy (JSON and a real PDF), an audited correction,
and deletion once no case needs the data; the status page says how to ask."""

import datetime
import json
import subprocess

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from cases import attachments
from cases.models import Case, CaseEvent, Milestone, SmsMessage, Worker
from tests.helpers import advance, login, make_case, png_upload

ID = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture
def case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the registration SMS
        case = make_case(
            world.beijing.station,
            world.beijing.volunteer,
            worker={"name": "马建军", "phone": PHONE, "id_number": ID},
            parties=[{"kind": "employer", "name": "北京闪送科技有限公司", "contact": "010-1234"}],
            facts="送餐途中被出租车撞伤，右脚骨折，平台拒绝赔付。",
            amount_claimed=30000,
        )
    Milestone.objects.create(
        case=case,
        kind=Milestone.Kind.ACCIDENT,
        date=datetime.date(2026, 11, 2),
        note="朝阳路口",
        recorded_by=world.beijing.volunteer,
    )
    attachments.save_attachment(case, png_upload("诊断书.png"), world.beijing.volunteer)
    return case


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


@pytest.mark.django_db
def test_the_json_copy_holds_everything_about_the_worker(client, world, case):
    login(client, world.beijing.volunteer)
    response = client.get(reverse("cases:worker_copy_json", args=[case.number]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert "attachment;" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["worker"] == {
        "name": "马建军",
        "phone": "+8613912345678",
        "id_number": ID,
        "platform": "不确定",  # never asked: the default since issue 13
        "arrangement": "不清楚",
        "birth_date": None,  # not entered (documents fall back to the ID number)
        "ethnicity": "",
        "occupation": "",
        "domicile": "",
        "mailing_address": "",
        "postcode": "",
        "registered_at": data["worker"]["registered_at"],
    }
    (copied,) = data["cases"]
    assert copied["number"] == case.number and copied["facts"] == case.facts
    assert copied["amount_claimed"] == "30000.00"
    assert copied["parties"][0]["name"] == "北京闪送科技有限公司"
    assert "朝阳路口" in [m["note"] for m in copied["milestones"]]
    assert copied["attachments"][0]["name"] == "诊断书.png"
    assert copied["consent"]["text"] and copied["consent"]["version"]
    assert any("诊断书.png" in row["what"] for row in copied["log"])
    # The SMS sent to the worker, with the access code masked.
    (sms,) = data["sms"]
    assert SmsMessage.objects.filter(phone="+8613912345678").count() == 1
    assert "您的求助已登记" in sms["text"] and case.number in sms["text"]
    assert "********" in sms["text"]  # the 8-digit access code, masked


@pytest.mark.django_db
def test_the_pdf_copy_reads_back_with_the_data(client, world, case):
    login(client, world.beijing.coordinator)
    response = client.get(reverse("cases:worker_copy_pdf", args=[case.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("个人信息副本", "马建军", ID, "+8613912345678", case.number, "右脚骨折"):
        assert expected in text, expected


@pytest.mark.django_db
def test_every_copy_is_on_the_case_log_and_the_security_log(client, world, case):
    login(client, world.beijing.volunteer)
    client.get(reverse("cases:worker_copy_json", args=[case.number]))
    client.get(reverse("cases:worker_copy_pdf", args=[case.number]))
    logged = case.events.filter(kind=CaseEvent.Kind.PRIVACY, data__action="copy")
    assert sorted(e.data["format"] for e in logged) == ["json", "pdf"]
    exports = SecurityEvent.objects.filter(kind="export", user=world.beijing.volunteer)
    assert sorted(e.data["what"] for e in exports) == ["worker_data_json", "worker_data_pdf"]


@pytest.mark.django_db
def test_the_lawyer_and_other_stations_cannot_produce_a_copy(client, world, case):
    login(client, world.kunming.volunteer)
    assert client.get(reverse("cases:worker_copy_json", args=[case.number])).status_code == 404
    case = make_case(world.beijing.station, state=Case.State.IN_PROGRESS)
    login(client, case.lawyer.user)
    assert client.get(reverse("cases:worker_data", args=[case.number])).status_code == 404
    assert SecurityEvent.objects.filter(kind="permission_denied").count() == 2


@pytest.mark.django_db
def test_the_page_shows_the_data_masked_and_links_from_the_case_page(client, world, case):
    login(client, world.beijing.volunteer)
    detail = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:worker_data", args=[case.number]) in detail
    page = client.get(reverse("cases:worker_data", args=[case.number])).content.decode()
    assert "139****5678" in page and ID not in page and PHONE not in page


@pytest.mark.django_db
def test_a_correction_changes_only_what_is_typed_and_is_on_every_case_log(client, world, case):
    second = make_case(
        world.beijing.station,
        world.beijing.volunteer,
        worker={"name": "马建军", "phone": PHONE},
    )
    assert second.worker_id == case.worker_id
    login(client, world.beijing.volunteer)
    response = client.post(
        reverse("cases:worker_correct", args=[case.number]),
        {"name": "马建君", "phone": "", "id_number": "", "platform": "meituan", "arrangement": ""},
    )
    assert response.status_code == 302
    worker = Worker.objects.get(pk=case.worker_id)
    assert (worker.name, str(worker.phone), worker.id_number, worker.platform) == (
        "马建君",
        "+8613912345678",
        ID,
        "meituan",
    )
    for c in (case, second):
        event = c.events.filter(kind="worker").latest("at")
        assert event.data == {"fields": ["name", "platform"], "source": "request"}
        assert event.actor == world.beijing.volunteer


@pytest.mark.django_db
def test_a_bad_correction_is_refused_at_the_field_keeping_what_was_typed(client, world, case):
    login(client, world.beijing.volunteer)
    response = client.post(
        reverse("cases:worker_correct", args=[case.number]),
        {"name": "马建君", "phone": "1391234567", "id_number": "110105194912310012"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "请输入有效的手机号" in html and "身份证号校验位不正确" in html
    assert 'value="马建君"' in html
    assert Worker.objects.get(pk=case.worker_id).name == "马建军"
    empty = client.post(reverse("cases:worker_correct", args=[case.number]), {})
    assert empty.status_code == 400 and "请填写要更正的项目" in empty.content.decode()


@pytest.mark.django_db
def test_deletion_is_refused_while_a_case_is_open(client, world, case):
    login(client, world.beijing.coordinator)
    page = client.get(reverse("cases:worker_data", args=[case.number])).content.decode()
    assert "还有未办结的案件" in page
    response = client.post(reverse("cases:worker_erase", args=[case.number]), {"confirmed": "on"})
    assert response.status_code == 400 and "还有未办结的案件" in response.content.decode()
    assert Worker.objects.get(pk=case.worker_id).anonymised_at is None


@pytest.mark.django_db
def test_only_a_coordinator_deletes(client, world):
    case = make_case(world.beijing.station, state=Case.State.WITHDRAWN)
    login(client, world.beijing.volunteer)
    response = client.post(reverse("cases:worker_erase", args=[case.number]), {"confirmed": "on"})
    assert response.status_code == 404
    assert Worker.objects.get(pk=case.worker_id).anonymised_at is None


@pytest.mark.django_db
def test_deleting_on_request_removes_the_personal_data_and_keeps_the_statistics(
    client, world, case, private_files, django_capture_on_commit_callbacks
):
    advance(case, Case.State.WITHDRAWN)
    login(client, world.beijing.coordinator)
    unconfirmed = client.post(reverse("cases:worker_erase", args=[case.number]), {})
    assert unconfirmed.status_code == 400 and "请先核实" in unconfirmed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:worker_erase", args=[case.number]), {"confirmed": "on"}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    worker = case.worker
    assert (worker.name, str(worker.phone or ""), worker.id_number) == ("", "", "")
    assert case.facts == "" and case.anonymised_at is not None
    assert (case.claims, case.region_code, str(case.amount_claimed)) == (
        "injury",
        "110105",
        "30000.00",
    )
    assert not case.attachments.exists()
    assert not [p for p in private_files.rglob("*") if p.is_file()]
    assert not SmsMessage.objects.filter(phone="+8613912345678").exists()
    assert case.events.filter(kind="privacy", data__action="anonymised").exists()
    assert "本案的个人信息已删除" in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_status_page_tells_the_worker_how_to_ask(client):
    page = client.get(reverse("status:start")).content.decode()
    assert "如需查阅、复制、更正或删除您的个人信息，请联系登记驿站" in page
