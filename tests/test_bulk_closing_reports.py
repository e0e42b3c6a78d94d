"""Closing reports for many cases at once: a coordinator picks resolved and
referred cases in scope, a django-q2 task generates them with progress, one ZIP."""

import io
import zipfile

import pytest
from django.urls import reverse

from cases.documents import generate as documents
from cases.models import Case, CaseEvent, Document, DocumentBatch
from tests.helpers import login, make_case

Kind = Document.Kind
LIST = "/cases/closing-reports/"


def resolved(world, region="beijing", **kwargs):
    r = getattr(world, region)
    return make_case(r.station, r.volunteer, state=Case.State.RESOLVED, lawyer=r.lawyer, **kwargs)


def test_the_page_lists_resolved_and_referred_cases_in_scope_with_masked_phones(client, world):
    done = resolved(world, worker={"name": "孙悟空", "phone": "+8613812345678"})
    referred = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.REFERRED)
    working = make_case(world.beijing.station, world.beijing.volunteer)
    elsewhere = resolved(world, "kunming")
    page = login(client, world.beijing.coordinator).get(LIST).content.decode()
    assert done.number in page and referred.number in page
    assert working.number not in page and elsewhere.number not in page
    assert "138****5678" in page and "13812345678" not in page


def test_the_page_searches_by_number_or_name(client, world):
    a = resolved(world, worker={"name": "孙悟空"})
    b = resolved(world, worker={"name": "猪八戒"})
    page = login(client, world.beijing.coordinator).get(LIST, {"q": "八戒"}).content.decode()
    assert b.number in page and a.number not in page


def test_only_coordinators_may_open_the_bulk_pages(client, world):
    for user in (world.beijing.volunteer, world.beijing.lawyer.user):
        client.logout()
        login(client, user)
        assert client.get(LIST).status_code == 404
        assert client.post(LIST, {"case": ["1"]}).status_code == 404


@pytest.mark.taskqueue
def test_a_coordinator_generates_reports_for_selected_cases_and_downloads_one_zip(
    client, world, django_capture_on_commit_callbacks
):
    cases = [resolved(world) for _ in range(3)]
    skipped = resolved(world)
    login(client, world.beijing.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"case": [c.pk for c in cases]})
    batch = DocumentBatch.objects.get()
    assert response["Location"] == reverse("cases:closing_reports_progress", args=[batch.pk])
    assert batch.status == DocumentBatch.Status.DONE
    assert batch.processed == batch.total == 3 and batch.percent == 100
    assert not Document.objects.filter(case=skipped).exists()
    for case in cases:
        document = Document.objects.get(case=case, kind=Kind.CLOSING_REPORT)
        assert document.generated_by == world.beijing.coordinator

    page = client.get(response["Location"]).content.decode()
    zip_url = reverse("cases:closing_reports_zip", args=[batch.pk])
    assert zip_url in page and "hx-trigger" not in page

    archive = client.get(zip_url)
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as z:
        names = sorted(z.namelist())
        assert names == sorted(f"{c.number}-结案报告-v1.pdf" for c in cases)
        assert all(z.read(n).startswith(b"%PDF") for n in names)
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.DOWNLOAD).count() == 3


def test_cases_outside_scope_or_not_finished_are_left_out_of_the_batch(
    client, world, django_capture_on_commit_callbacks
):
    mine = resolved(world)
    theirs = resolved(world, "kunming")
    working = make_case(world.beijing.station, world.beijing.volunteer)
    login(client, world.beijing.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LIST, {"case": [mine.pk, theirs.pk, working.pk]})
    batch = DocumentBatch.objects.get()
    assert batch.case_ids == [mine.pk]
    assert not Document.objects.filter(case__in=[theirs, working]).exists()


def test_an_empty_selection_is_explained_and_the_search_is_kept(client, world):
    resolved(world, worker={"name": "孙悟空"})
    response = login(client, world.beijing.coordinator).post(LIST, {"q": "悟空"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择一个可生成结案报告的案件" in page
    assert 'value="悟空"' in page
    assert not DocumentBatch.objects.exists()


def test_an_absurd_case_id_is_ignored_not_a_500(client, world):
    response = login(client, world.beijing.coordinator).post(
        LIST, {"case": ["99999999999999999999999", "-1", "x"]}
    )
    assert response.status_code == 200
    assert "请至少选择一个可生成结案报告的案件" in response.content.decode()


def test_someone_elses_batch_is_404(client, world, django_capture_on_commit_callbacks):
    case = resolved(world)
    login(client, world.beijing.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LIST, {"case": [case.pk]})
    batch = DocumentBatch.objects.get()
    client.logout()
    login(client, world.kunming.coordinator)
    assert client.get(reverse("cases:closing_reports_progress", args=[batch.pk])).status_code == 404
    assert client.get(reverse("cases:closing_reports_zip", args=[batch.pk])).status_code == 404


def test_the_zip_holds_only_cases_the_coordinator_may_still_see(client, world):
    mine = resolved(world)
    theirs = resolved(world, "kunming")
    coordinator = world.beijing.coordinator
    # A batch recorded with a case that has since left this coordinator's scope.
    own = documents.generate(mine, Kind.CLOSING_REPORT, coordinator)
    other = documents.generate(theirs, Kind.CLOSING_REPORT, world.kunming.coordinator)
    batch = DocumentBatch.objects.create(
        created_by=coordinator,
        kind=Kind.CLOSING_REPORT,
        case_ids=[mine.pk, theirs.pk],
        results={str(mine.pk): own.pk, str(theirs.pk): other.pk},
        status=DocumentBatch.Status.DONE,
    )
    response = login(client, coordinator).get(reverse("cases:closing_reports_zip", args=[batch.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as z:
        assert z.namelist() == [f"{mine.number}-结案报告-v1.pdf"]


def test_the_progress_panel_polls_while_running_and_works_without_javascript(client, world):
    case = resolved(world)
    batch = DocumentBatch.objects.create(
        created_by=world.beijing.coordinator,
        kind=Kind.CLOSING_REPORT,
        case_ids=[case.pk, case.pk + 1000],
        status=DocumentBatch.Status.RUNNING,
        results={str(case.pk): 1},
    )
    url = reverse("cases:closing_reports_progress", args=[batch.pk])
    login(client, world.beijing.coordinator)
    full = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in full
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in full
    assert "已处理 1 / 2 件" in full
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'hx-trigger="every 2s"' in partial


def test_running_the_batch_twice_generates_each_report_once(world):
    cases = [resolved(world) for _ in range(2)]
    batch = DocumentBatch.objects.create(
        created_by=world.beijing.coordinator,
        kind=Kind.CLOSING_REPORT,
        case_ids=[c.pk for c in cases],
    )
    documents.run_batch(batch.pk)
    documents.run_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == DocumentBatch.Status.DONE
    assert Document.objects.count() == 2


def test_a_case_that_fails_is_reported_and_the_rest_still_run(world, monkeypatch):
    good, bad = resolved(world), resolved(world)
    real = documents.generate

    def flaky(case, kind, user, **kwargs):
        if case.pk == bad.pk:
            raise RuntimeError("disk full")
        return real(case, kind, user, **kwargs)

    monkeypatch.setattr(documents, "generate", flaky)
    batch = DocumentBatch.objects.create(
        created_by=world.beijing.coordinator, kind=Kind.CLOSING_REPORT, case_ids=[bad.pk, good.pk]
    )
    documents.run_batch(batch.pk)
    batch.refresh_from_db()
    assert list(batch.results) == [str(good.pk)]
    assert "生成失败" in batch.errors[str(bad.pk)]
    assert batch.status == DocumentBatch.Status.DONE
