"""The documents panel, generate and download views: permission-checked,
POST for every generation, private files streamed with an audit event."""

import datetime
import subprocess

import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.documents import generate as documents
from cases.models import Case, CaseEvent, Document
from tests.helpers import login, make_case

Kind = Document.Kind


def generate_url(case, kind):
    return reverse("cases:document_generate", args=[case.number, kind])


def download_url(document):
    return reverse("cases:document_download", args=[document.case.number, document.pk])


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def test_a_volunteer_generates_the_legal_aid_application_from_the_case_page(client, world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    response = login(client, volunteer).post(generate_url(case, Kind.LEGALAID_APPLICATION))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.number}/#documents")
    document = Document.objects.get(case=case)
    assert (document.kind, document.version, document.generated_by) == (
        Kind.LEGALAID_APPLICATION,
        1,
        volunteer,
    )
    page = client.get(response["Location"]).content.decode()
    assert "已生成法律援助申请表第 1 版" in page
    assert download_url(document) in page


def test_the_documents_panel_offers_what_the_user_may_generate_and_lists_versions(client, world):
    coordinator = world.beijing.coordinator
    case = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.ACCEPTED)
    documents.generate(case, Kind.RECEIPT, world.beijing.volunteer)
    second = documents.generate(case, Kind.RECEIPT, world.beijing.volunteer)
    page = login(client, coordinator).get(case.get_absolute_url()).content.decode()
    assert generate_url(case, Kind.INJURY_APPLICATION) in page
    assert generate_url(case, Kind.ARBITRATION_APPLICATION) not in page  # no lawyer yet
    assert generate_url(case, Kind.CLOSING_REPORT) not in page
    assert "v1" in page and "v2" in page
    assert download_url(second) + "?inline=1" in page  # print


def test_generating_needs_a_post(client, world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    response = login(client, world.beijing.volunteer).get(generate_url(case, Kind.RECEIPT))
    assert response.status_code == 405
    assert not Document.objects.exists()


def test_a_user_outside_the_case_gets_404_for_generate_and_download(client, world):
    case = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.RESOLVED)
    document = documents.generate(case, Kind.CLOSING_REPORT, world.beijing.coordinator)
    for outsider in (world.kunming.coordinator, world.kunming.volunteer, world.kunming.lawyer.user):
        client.logout()
        login(client, outsider)
        assert client.post(generate_url(case, Kind.CLOSING_REPORT)).status_code == 404
        assert client.post(generate_url(case, Kind.RECEIPT)).status_code == 404
        assert client.get(download_url(document)).status_code == 404
    assert Document.objects.count() == 1
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DOWNLOAD).exists()


def test_a_volunteer_cannot_read_a_power_of_attorney_they_may_not_make(client, world):
    # It prints the worker's full ID number and phone: only who may produce it reads it.
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    power = documents.generate(case, Document.Kind.POWER_OF_ATTORNEY, bj.lawyer.user)
    receipt = documents.generate(case, Document.Kind.RECEIPT, bj.volunteer)
    login(client, bj.volunteer)
    assert client.get(download_url(power)).status_code == 404
    page = client.get(case.get_absolute_url()).content.decode()
    assert download_url(power) not in page and download_url(receipt) in page
    assert b"".join(client.get(download_url(receipt)).streaming_content).startswith(b"%PDF")
    for user in (bj.coordinator, bj.lawyer.user):
        login(client, user)
        body = b"".join(client.get(download_url(power)).streaming_content)
        assert body.startswith(b"%PDF"), user


def test_anonymous_users_are_sent_to_login(client, world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    document = documents.generate(case, Kind.RECEIPT, world.beijing.volunteer)
    response = client.get(download_url(document))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_document_of_another_case_is_404_even_through_a_visible_case(client, world):
    mine = make_case(world.beijing.station, world.beijing.volunteer)
    theirs = make_case(world.kunming.station, world.kunming.volunteer)
    document = documents.generate(theirs, Kind.RECEIPT, world.kunming.volunteer)
    url = reverse("cases:document_download", args=[mine.number, document.pk])
    assert login(client, world.beijing.volunteer).get(url).status_code == 404


def test_an_unknown_kind_is_404(client, world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    response = login(client, world.beijing.volunteer).post(generate_url(case, "will"))
    assert response.status_code == 404


def test_a_kind_the_user_may_not_generate_gives_a_clear_message_not_an_error(client, world):
    case = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.REFERRED)
    response = login(client, world.beijing.volunteer).post(
        generate_url(case, Kind.CLOSING_REPORT), follow=True
    )
    assert response.status_code == 200
    assert "当前状态下您不能生成这份文书" in response.content.decode()
    assert not Document.objects.exists()


def test_a_missing_cjk_font_shows_a_clear_message(client, world, monkeypatch):
    monkeypatch.setattr(documents, "cjk_fonts", lambda: frozenset())
    case = make_case(world.beijing.station, world.beijing.volunteer)
    response = login(client, world.beijing.volunteer).post(
        generate_url(case, Kind.RECEIPT), follow=True
    )
    assert response.status_code == 200
    assert "服务器缺少中文字体" in response.content.decode()


def test_download_streams_the_private_file_with_its_name_and_records_an_event(client, world):
    lawyer = world.beijing.lawyer
    case = make_case(
        world.beijing.station, world.beijing.volunteer, state=Case.State.IN_PROGRESS, lawyer=lawyer
    )
    document = documents.generate(case, Kind.POWER_OF_ATTORNEY, lawyer.user)
    response = login(client, lawyer.user).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DOWNLOAD)
    assert event.actor == lawyer.user and event.data["document"] == document.pk

    inline = client.get(download_url(document) + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline;")
    # Read to the end, which closes the file. (response.close() itself would also
    # close the database connection, as at the end of a real request: fine on
    # in-memory SQLite, fatal to the test's transaction on PostgreSQL.)
    assert b"".join(inline.streaming_content).startswith(b"%PDF")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOWNLOAD).count() == 2


def test_old_versions_stay_downloadable(client, world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    first = documents.generate(case, Kind.RECEIPT, volunteer)
    documents.generate(case, Kind.RECEIPT, volunteer)
    response = login(client, volunteer).get(download_url(first))
    assert response.status_code == 200
    assert "v1" in response["Content-Disposition"]
    response.close()


def test_generate_and_print_opens_the_new_version_inline(client, world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    response = login(client, volunteer).post(
        generate_url(case, Kind.LEGALAID_APPLICATION), {"print": "1"}
    )
    document = Document.objects.get(case=case)
    assert response["Location"] == download_url(document) + "?inline=1"


def test_the_receipt_right_after_intake_carries_the_access_code_without_storing_it(client, world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    login(client, volunteer)
    session = client.session
    session[f"access_code:{case.number}"] = {"code": "51730284", "at": timezone.now().isoformat()}
    session.save()
    response = client.post(generate_url(case, Kind.RECEIPT))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "51730284" in pdf_text(response.content)
    document = Document.objects.get(case=case)
    with document.file.open("rb") as f:
        assert "51730284" not in pdf_text(f.read())


def test_the_receipt_later_on_says_the_code_was_given_at_intake(client, world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    login(client, volunteer)
    session = client.session
    session[f"access_code:{case.number}"] = {"code": "51730284", "at": timezone.now().isoformat()}
    session.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        response = client.post(generate_url(case, Kind.RECEIPT))
    assert response.status_code == 302
    document = Document.objects.get(case=case)
    with document.file.open("rb") as f:
        text = pdf_text(f.read())
    assert "51730284" not in text
    assert "查询码已在登记时告知您" in text


def test_the_case_page_with_documents_stays_within_a_query_budget(
    client, world, django_assert_max_num_queries
):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    for _ in range(5):
        documents.generate(case, Kind.RECEIPT, volunteer)
    login(client, volunteer)
    client.get(case.get_absolute_url())  # warm the session
    with django_assert_max_num_queries(40):
        assert client.get(case.get_absolute_url()).status_code == 200
