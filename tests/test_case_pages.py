"""Station lists, the case page and its sub-pages; 404 for everything outside scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import attachments
from cases.models import Attachment, Case, CaseEvent
from tests.helpers import login, make_case, make_station, make_volunteer, png_upload


def png(name="伤情照片.png"):
    return png_upload(name)


def with_attachment(case, user):
    return attachments.save_attachment(case, png(), user)


# --- 404 outside scope ------------------------------------------------------------


def case_urls(case, attachment):
    n = case.number
    return [
        ("get", reverse("cases:detail", args=[n]), {}),
        ("get", reverse("cases:receipt", args=[n]), {}),
        ("get", reverse("cases:download_attachment", args=[n, attachment.pk]), {}),
        ("post", reverse("cases:reveal", args=[n]), {}),
        ("post", reverse("cases:add_note", args=[n]), {"text": "越权备注"}),
        ("post", reverse("cases:update_evidence", args=[n]), {"collected": ["pay_records"]}),
        ("post", reverse("cases:upload_attachments", args=[n]), {"files": [png()]}),
    ] + [
        ("post", reverse("cases:transition", args=[n, t]), {f"{t}-expected_state": "received"})
        for t in (
            "resolve_at_intake",
            "accept_for_aid",
            "refer",
            "withdraw",
            "resolve",
            "reopen",
            "close",
        )
    ]


def outsiders(world):
    bj, km = world.beijing, world.kunming
    other_station = make_station(region_code="110105", name="朝阳另一驿站")
    return {
        "volunteer of another station in the same district": make_volunteer(other_station),
        "volunteer in another region": km.volunteer,
        "coordinator in another region": km.coordinator,
        "lawyer not assigned to the case": bj.lawyer.user,
        "lawyer in another region": km.lawyer.user,
    }


@pytest.mark.django_db
def test_every_case_url_is_a_404_for_every_role_outside_scope(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, claims=["wage"])
    attachment = with_attachment(case, bj.volunteer)
    events = CaseEvent.objects.filter(case=case).count()
    for who, user in outsiders(world).items():
        client.logout()
        login(client, user)
        for method, url, data in case_urls(case, attachment):
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (who, method, url, response.status_code)
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED
    assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_for_every_case_url(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    attachment = with_attachment(case, bj.volunteer)
    for method, url, data in case_urls(case, attachment):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


@pytest.mark.django_db
def test_a_nonexistent_case_looks_like_one_outside_scope(client, world):
    login(client, world.beijing.coordinator)
    assert client.get(reverse("cases:detail", args=["110105-2026-99999"])).status_code == 404


@pytest.mark.django_db
def test_an_attachment_of_another_case_is_a_404_even_through_a_visible_case(client, world):
    bj, km = world.beijing, world.kunming
    mine = make_case(bj.station, bj.volunteer)
    theirs = make_case(km.station, km.volunteer)
    foreign = with_attachment(theirs, km.volunteer)
    login(client, bj.coordinator)
    url = reverse("cases:download_attachment", args=[mine.number, foreign.pk])
    assert client.get(url).status_code == 404


# --- the station list ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_station_list_shows_only_the_stations_cases_with_masked_phones(client, world):
    bj, km = world.beijing, world.kunming
    other_station = make_station(region_code="110105")
    mine = make_case(bj.station, bj.volunteer, worker={"name": "赵一", "phone": "13911112222"})
    not_mine = make_case(other_station)
    elsewhere = make_case(km.station, km.volunteer)
    login(client, bj.volunteer)
    page = client.get(reverse("cases:station_cases")).content.decode()
    assert mine.number in page and "139****2222" in page and "13911112222" not in page
    assert not_mine.number not in page and elsewhere.number not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["赵一", "139 1111 2222", "+86 13911112222", "-2026-0000", "139-1111-2222"]
)
def test_the_station_list_searches_by_number_name_or_phone(client, world, query):
    bj = world.beijing
    found = make_case(bj.station, bj.volunteer, worker={"name": "赵一", "phone": "13911112222"})
    other = make_case(bj.station, bj.volunteer, worker={"name": "钱二", "phone": "13933334444"})
    login(client, bj.volunteer)
    page = client.get(reverse("cases:station_cases"), {"q": query}).content.decode()
    assert found.number in page
    if query != "-2026-0000":
        assert other.number not in page


@pytest.mark.django_db
def test_the_station_list_filters_by_state(client, world):
    bj = world.beijing
    received = make_case(bj.station, bj.volunteer)
    withdrawn = make_case(bj.station, bj.volunteer, state="withdrawn")
    login(client, bj.volunteer)
    page = client.get(reverse("cases:station_cases"), {"state": "withdrawn"}).content.decode()
    assert withdrawn.number in page and received.number not in page
    # an unknown state is ignored, not an error
    assert client.get(reverse("cases:station_cases"), {"state": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_the_station_list_is_paginated_by_twenty(client, world):
    bj = world.beijing
    cases = [make_case(bj.station, bj.volunteer) for _ in range(21)]
    login(client, bj.volunteer)
    first = client.get(reverse("cases:station_cases")).content.decode()
    second = client.get(reverse("cases:station_cases"), {"page": 2}).content.decode()
    assert cases[-1].number in first and cases[0].number not in first
    assert cases[0].number in second and "第 2 / 2 页" in second
    assert client.get(reverse("cases:station_cases"), {"page": "zzz"}).status_code == 200


@pytest.mark.django_db
def test_the_station_list_uses_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    bj = world.beijing
    for _ in range(5):
        make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    with django_assert_max_num_queries(8):
        client.get(reverse("cases:station_cases"))


# --- the case page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_page_shows_facts_parties_evidence_attachments_and_timeline(client, world):
    bj = world.beijing
    case = make_case(
        bj.station,
        bj.volunteer,
        claims=["wage"],
        facts="外包公司拖欠三个月工资共 18600 元。",
        amount_claimed=18600,
        evidence={"pay_records": True},
        parties=[{"kind": "agency", "name": "北京闪送人力资源有限公司"}],
    )
    with_attachment(case, bj.volunteer)
    login(client, bj.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    for text in (
        "外包公司拖欠三个月工资共 18600 元。",
        "18600",
        "北京闪送人力资源有限公司",
        "工资条、银行流水或平台收入明细",
        "伤情照片.png",
        "登记",
        "已登记，工会正在审核您的求助",
    ):
        assert text in page, text
    # the other features' panels are still included
    assert page.count("<aside>") == 1


@pytest.mark.django_db
def test_revealing_the_full_phone_and_id_is_audited_every_time(client, world):
    bj = world.beijing
    case = make_case(
        bj.station,
        bj.volunteer,
        worker={"name": "孙三", "phone": "13955556666", "id_number": "11010519491231002X"},
    )
    login(client, bj.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "139****6666" in page and "13955556666" not in page and "11010519491231002X" not in page
    for _ in range(2):
        revealed = client.post(reverse("cases:reveal", args=[case.number])).content.decode()
        assert "+8613955556666" in revealed and "11010519491231002X" in revealed
    views = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SENSITIVE_VIEW)
    assert views.count() == 2 and {e.actor for e in views} == {bj.coordinator}
    # the next ordinary view is masked again
    assert "13955556666" not in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_downloading_an_attachment_checks_permission_and_is_audited(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    attachment = with_attachment(case, bj.volunteer)
    login(client, bj.coordinator)
    response = client.get(reverse("cases:download_attachment", args=[case.number, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOWNLOAD).get()
    assert event.actor == bj.coordinator and event.data == {
        "attachment": attachment.pk,
        "name": attachment.original_name,
    }


@pytest.mark.django_db
def test_the_assigned_lawyer_can_open_the_case_and_its_attachments(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state="in_progress", lawyer=bj.lawyer)
    attachment = with_attachment(case, bj.volunteer)
    login(client, bj.lawyer.user)
    assert client.get(case.get_absolute_url()).status_code == 200
    url = reverse("cases:download_attachment", args=[case.number, attachment.pk])
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_uploading_on_the_case_page_checks_the_content(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    url = reverse("cases:upload_attachments", args=[case.number])
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = client.post(url, {"files": [fake]})
    assert response.status_code == 400 and "不是 JPG、PNG 图片或 PDF" in response.content.decode()
    assert client.post(url, {"files": [png()]}).status_code == 302
    assert case.attachments.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ATTACHMENT).count() == 1


@pytest.mark.django_db
def test_notes_are_added_to_the_timeline(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    url = reverse("cases:add_note", args=[case.number])
    assert client.post(url, {"text": "   "}).status_code == 400
    assert client.post(url, {"text": "劳动者下午补交了诊断证明。"}).status_code == 302
    note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
    assert note.actor == bj.volunteer and note.note == "劳动者下午补交了诊断证明。"
    assert "劳动者下午补交了诊断证明。" in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_evidence_checklist_is_editable_and_each_change_is_audited(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, claims=["wage"])
    login(client, bj.volunteer)
    url = reverse("cases:update_evidence", args=[case.number])
    client.post(url, {"collected": ["pay_records", "attendance", "not_an_item"]})
    case.refresh_from_db()
    assert case.evidence["pay_records"] and case.evidence["attendance"]
    assert not case.evidence["chat_records"] and "not_an_item" not in case.evidence
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.EVIDENCE)
    assert event.data == {"evidence": {"pay_records": True, "attendance": True}}
    client.post(url, {"collected": ["pay_records", "attendance"]})  # nothing changed
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.EVIDENCE).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Case.State.CLOSED, Case.State.WITHDRAWN])
def test_an_archived_case_is_read_only_but_still_takes_notes(client, world, state):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, claims=["wage"], state=state)
    login(client, bj.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "本案已归档：案件资料只读，仍可添加备注。" in page
    for name in ("update_evidence", "upload_attachments", "milestone_add"):
        assert reverse(f"cases:{name}", args=[case.number]) not in page, name

    # A page loaded before the case was archived: a clear message, nothing changed.
    response = client.post(
        reverse("cases:update_evidence", args=[case.number]), {"collected": ["pay_records"]}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cases:upload_attachments", args=[case.number]), {"files": [png()]}, follow=True
    )
    assert "本案已归档，资料不能再修改；仍可添加备注。" in response.content.decode()
    case.refresh_from_db()
    assert not case.evidence.get("pay_records") and not case.attachments.exists()
    milestone = reverse("cases:milestone_add", args=[case.number])
    assert (
        client.post(milestone, {"kind": "award_received", "date": "2026-11-02"}).status_code == 404
    )

    note = client.post(reverse("cases:add_note", args=[case.number]), {"text": "劳动者来电致谢。"})
    assert note.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, note="劳动者来电致谢。").exists()


@pytest.mark.django_db
def test_the_case_page_uses_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, parties=[{"kind": "employer", "name": "甲公司"}])
    with_attachment(case, bj.volunteer)
    login(client, bj.coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(case.get_absolute_url()).status_code == 200


# --- demo data ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_cases_in_every_state_in_both_regions_and_is_idempotent():
    from django.core.management import call_command

    call_command("seed_demo")
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(Case.State.values)
    assert {n[:6] for n in Case.objects.values_list("number", flat=True)} == {"110105", "530103"}
    count = Case.objects.count()
    call_command("seed_demo")
    assert Case.objects.count() == count
    call_command("seed_demo", reset=True)
    assert Case.objects.count() == count
    assert Case.objects.filter(facts__contains="出租车相撞").exists()


@pytest.mark.django_db
def test_a_nul_character_anywhere_in_a_request_is_a_400_not_a_500(client, world):
    # PostgreSQL text cannot hold NUL: it used to reach the queries (found by fuzzing).
    client.raise_request_exception = False
    login(client, world.beijing.coordinator)
    assert client.get("/cases/%00/receipt/").status_code == 400
    assert client.get(reverse("cases:triage"), {"q": "1380\x00"}).status_code == 400
    assert client.post(reverse("cases:closing_reports"), {"q": "\x00"}).status_code == 400
    assert client.post(reverse("status:start"), {"phone": "139\x0012345678"}).status_code == 400
    assert client.get(reverse("cases:triage"), {"q": "1380"}).status_code == 200


@pytest.mark.django_db
def test_a_pdf_named_like_a_web_page_is_stored_and_served_as_a_pdf(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    url = reverse("cases:upload_attachments", args=[case.number])
    evil = SimpleUploadedFile("evil.html", b"%PDF-1.4\n<script>alert(1)</script>")
    assert client.post(url, {"files": [evil, png("伤情照片.jpeg.exe")]}).status_code == 302
    names = sorted(case.attachments.values_list("original_name", flat=True))
    assert names == ["evil.pdf", "伤情照片.jpeg.png"]
    pdf = case.attachments.get(content_type="application/pdf")
    assert pdf.file.name.endswith(".pdf")
    response = client.get(reverse("cases:download_attachment", args=[case.number, pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert "evil.pdf" in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_file_stored_under_a_bad_name_before_is_still_served_under_a_safe_one(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    attachment = with_attachment(case, bj.volunteer)
    Attachment.objects.filter(pk=attachment.pk).update(original_name="照片.html")
    login(client, bj.volunteer)
    response = client.get(reverse("cases:download_attachment", args=[case.number, attachment.pk]))
    assert "filename*=utf-8''%E7%85%A7%E7%89%87.png" in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_upload_over_the_total_limit_gets_a_page_that_says_the_limit(client, world, settings):
    settings.MAX_REQUEST_BYTES = 200_000
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    url = reverse("cases:upload_attachments", args=[case.number])

    def big(count):
        return [
            SimpleUploadedFile(f"合同{n}.pdf", b"%PDF-1.4\n" + b"0" * 90_000) for n in range(count)
        ]

    response = client.post(
        url, {"files": big(3)}, HTTP_REFERER=f"http://testserver{case.get_absolute_url()}"
    )
    page = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 413
    assert "上传的内容太大" in page and "超过了一次最多 195.3 KB 的上限，没有保存" in page
    assert case.get_absolute_url() in page  # the way back
    assert not case.attachments.exists()
    assert client.post(url, {"files": big(2)}).status_code == 302  # within the limit


def test_the_default_total_upload_limit_is_25_mb(settings):
    assert settings.MAX_REQUEST_BYTES == 25 * 1024 * 1024
