"""Documents as PDFs: rendering, fonts, fetching, versions, rules.

Every PDF is read back with poppler's pdftotext / pdffonts."""

import datetime
import hashlib
import re
import subprocess
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from cases.documents import fill
from cases.documents import generate as documents
from cases.documents import rules as document_rules
from cases.intake import recent_access_code
from cases.models import Case, CaseEvent, Document, Party
from lawyers.models import ClaimType
from tests.helpers import make_case

Kind = Document.Kind


def pdf_text(data: bytes, *, first=None, last=None, layout=False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(
        [*args, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_count(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


def lawyer_case(world, **kwargs):
    region = world.beijing
    kwargs.setdefault("state", Case.State.IN_PROGRESS)
    return make_case(region.station, region.volunteer, lawyer=region.lawyer, **kwargs)


# --- what is in the PDF ------------------------------------------------------------------


def test_receipt_shows_worker_name_case_number_claim_and_amount(world):
    case = make_case(
        world.beijing.station,
        world.beijing.volunteer,
        worker={"name": "李大山"},
        claims=[ClaimType.WAGE],
        amount_claimed=Decimal("8650.50"),
    )
    text = pdf_text(documents.render_pdf(case, Kind.RECEIPT))
    assert "李大山" in text
    assert case.number in text
    assert "欠薪" in text
    assert "8,650.50" in text or "8650.50" in text
    assert "捌仟陆佰伍拾元伍角" in squash(text)


def test_arbitration_application_lists_parties_claims_and_amounts(world):
    case = lawyer_case(
        world,
        worker={"name": "赵铁柱", "id_number": "11010519900307123X"},
        claims=[ClaimType.WAGE],
        amount_claimed=Decimal("38650.50"),
        parties=[{"kind": Party.Kind.EMPLOYER, "name": "北京某某配送服务有限公司"}],
    )
    text = squash(pdf_text(documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)))
    assert "劳动人事争议仲裁申请书" in text
    assert "赵铁柱" in text and "北京某某配送服务有限公司" in text
    assert "拖欠的劳动报酬" in text
    assert "38,650.50" in text or "38650.50" in text
    assert "叁万捌仟陆佰伍拾元伍角" in text
    assert "男" in text  # sex read from the 身份证号
    assert world.beijing.lawyer.name in text


def test_cjk_fonts_are_embedded_as_subsets(world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    pdf = documents.render_pdf(case, Kind.RECEIPT)
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout
    rows = [line.split() for line in out.decode().splitlines()[2:] if line.strip()]
    cjk = [row for row in rows if "CJK" in row[0]]
    assert cjk, out
    for row in cjk:
        assert re.match(r"^[A-Z]{6}\+", row[0]), row  # subset tag
        # columns: name type... emb sub uni object ID — the three yes/no before the id.
        emb, sub, _uni = row[-5:-2]
        assert (emb, sub) == ("yes", "yes"), row
    assert any("Serif-CJK-SC-Bold" in row[0] for row in cjk), "the title uses the real bold"


def test_long_facts_flow_onto_a_second_page_with_footer_and_case_number_on_every_page(world):
    # An internal paper: the closing report keeps the case number on every page (forms
    # filed with a public body carry none, tests/test_document_forms.py).
    facts = "".join(
        f"第{i}段：送餐途中被出租车撞倒，站长拒绝支付医疗费和工资。" for i in range(1, 80)
    )
    case = lawyer_case(world, facts=facts + "事实经过到此结束。", state=Case.State.RESOLVED)
    pdf = documents.render_pdf(case, Kind.CLOSING_REPORT)
    pages = page_count(pdf)
    assert pages >= 2
    for n in range(1, pages + 1):
        text = squash(pdf_text(pdf, first=n))
        assert f"第{n}页共{pages}页" in text
        assert case.number in text
    assert "事实经过到此结束。" in squash(pdf_text(pdf, first=2, last=pages))


def test_html_in_user_text_prints_as_text_and_nothing_is_fetched(world, monkeypatch, caplog):
    asked = []
    original = documents.StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(documents.StaticOnlyFetcher, "fetch", recording)
    evil = '<script>alert(1)</script><img src="http://evil.example/x.png">'
    case = lawyer_case(
        world,
        facts=f"事实{evil}",
        worker={"name": "王<b>二</b>"},
        parties=[
            {
                "kind": Party.Kind.EMPLOYER,
                "name": '<link rel="attachment" href="file:///etc/passwd">公司',
            }
        ],
    )
    for kind in (Kind.RECEIPT, Kind.ARBITRATION_APPLICATION, Kind.LEGALAID_APPLICATION):
        text = pdf_text(documents.render_pdf(case, kind))
        assert "王<b>二</b>" in text
    text = squash(pdf_text(documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)))
    assert "<script>alert(1)</script>" in text
    assert '<imgsrc="http://evil.example/x.png">' in text
    assert asked, "the stylesheet goes through the fetcher"
    assert all(url.startswith("file:///static/") for url in asked), asked
    assert "refused" not in caplog.text


def test_fetcher_serves_static_and_data_urls_and_refuses_everything_else(caplog):
    fetcher = documents.StaticOnlyFetcher()
    css = fetcher.fetch("file:///static/css/print.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()
    for url in (
        "http://evil.example/x.png",
        "https://evil.example/x.css",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "ftp://evil.example/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert url[:30] in caplog.text


def test_raw_html_with_remote_image_renders_without_fetching_it(monkeypatch):
    asked = []
    original = documents.StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(documents.StaticOnlyFetcher, "fetch", recording)
    pdf = documents.html_to_pdf('<p>中文</p><img src="http://127.0.0.1:9/x.png">')
    assert pdf.startswith(b"%PDF")
    assert "http://127.0.0.1:9/x.png" in asked  # asked, refused, never opened


def test_rare_characters_in_a_name_come_out_of_the_cjk_font(world):
    case = make_case(world.beijing.station, world.beijing.volunteer, worker={"name": "𠮷田堃喆"})
    text = pdf_text(documents.render_pdf(case, Kind.RECEIPT))
    assert "𠮷田堃喆" in text


@pytest.mark.parametrize(
    ("kind", "state", "expected"),
    [
        (Kind.RECEIPT, Case.State.RECEIVED, "工会驿站法律服务登记回执"),
        (Kind.LEGALAID_APPLICATION, Case.State.RECEIVED, "法律援助申请表"),
        (Kind.INJURY_APPLICATION, Case.State.IN_PROGRESS, "工伤认定申请表"),
        (Kind.ARBITRATION_APPLICATION, Case.State.IN_PROGRESS, "劳动人事争议仲裁申请书"),
        (Kind.POWER_OF_ATTORNEY, Case.State.IN_PROGRESS, "授权委托书"),
        (Kind.CLOSING_REPORT, Case.State.RESOLVED, "结案报告"),
    ],
)
def test_each_kind_renders_its_title_and_a_signature_blank(world, kind, state, expected):
    case = lawyer_case(world, state=state)
    pdf = documents.render_pdf(case, kind)
    assert expected in squash(pdf_text(pdf))
    layout = pdf_text(pdf, layout=True)
    assert re.search(r"（签名）：|签名：|签字：", layout)
    assert re.search(r"年 +月 +日", layout)


def test_legal_aid_application_ticks_the_article_42_3_exemption(world):
    case = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.ACCEPTED)
    assert case.eligibility == Case.Eligibility.EXEMPT_42_3
    text = squash(pdf_text(documents.render_pdf(case, Kind.LEGALAID_APPLICATION)))
    assert "✓免予核查经济困难状况" in text
    assert "第四十二条第三项" in text


def test_legal_aid_application_leaves_the_exemption_box_empty_for_a_tort_claim(world):
    case = make_case(world.beijing.station, world.beijing.volunteer, claims=[ClaimType.TORT])
    text = squash(pdf_text(documents.render_pdf(case, Kind.LEGALAID_APPLICATION)))
    assert "✓免予核查" not in text
    assert "免予核查经济困难状况" in text


def test_closing_report_has_timeline_outcome_and_amount_recovered(world):
    case = lawyer_case(world, state=Case.State.RESOLVED)
    text = squash(pdf_text(documents.render_pdf(case, Kind.CLOSING_REPORT)))
    assert "自行和解（和解协议）" in text
    assert "12,000.00元" in text or "12000.00元" in text
    assert "壹万贰仟元整" in text
    assert "律师办理中→已办结" in text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("38650.50", "叁万捌仟陆佰伍拾元伍角整"),
        ("10000", "壹万元整"),
        ("100200.07", "壹拾万零贰佰元零柒分"),
        ("1005", "壹仟零伍元整"),
        ("100000001", "壹亿零壹元整"),
        ("0", "零元整"),
    ],
)
def test_amounts_are_written_in_chinese_capitals(amount, words):
    assert fill.rmb_upper(Decimal(amount)) == words


# --- fonts ---------------------------------------------------------------------------------


def test_missing_cjk_font_fails_with_a_clear_error_instead_of_boxes(world, monkeypatch):
    monkeypatch.setattr(documents, "cjk_fonts", lambda: frozenset({"DejaVu Sans"}))
    case = make_case(world.beijing.station, world.beijing.volunteer)
    with pytest.raises(documents.FontMissing, match="fonts-noto-cjk"):
        documents.generate(case, Kind.RECEIPT, world.beijing.volunteer)
    assert not Document.objects.exists()


def test_the_font_check_finds_noto_cjk_on_this_machine():
    assert set(documents.REQUIRED_FONTS) <= documents.cjk_fonts()


# --- versions and storage -----------------------------------------------------------------


def test_generating_stores_version_one_with_its_sha256_and_an_event(world, private_files):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    document = documents.generate(case, Kind.LEGALAID_APPLICATION, volunteer)
    stored = document.file.open("rb").read()
    document.file.close()
    assert document.version == 1
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)
    assert document.template_name == "documents/legalaid_application.html"
    assert document.template_version
    assert document.generated_by == volunteer
    assert (private_files / document.file.name).is_file()
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DOCUMENT)
    assert event.actor == volunteer
    assert event.data["version"] == 1 and event.data["sha256"] == document.sha256


def test_regenerating_makes_a_new_version_and_keeps_the_old_file(world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    first = documents.generate(case, Kind.RECEIPT, volunteer)
    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=datetime.UTC)):
        second = documents.generate(case, Kind.RECEIPT, volunteer)
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert first.sha256 != second.sha256  # the generation date differs
    first.refresh_from_db()
    assert hashlib.sha256(first.file.open("rb").read()).hexdigest() == first.sha256
    first.file.close()
    assert Document.objects.filter(case=case).count() == 2
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOCUMENT).count() == 2


def test_versions_are_counted_per_kind(world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    documents.generate(case, Kind.RECEIPT, volunteer)
    other = documents.generate(case, Kind.LEGALAID_APPLICATION, volunteer)
    assert other.version == 1


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_concurrent_generation_never_reuses_a_version(world):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("in-memory SQLite shares one connection cache: nothing can race")
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def work():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(documents.generate(case, Kind.RECEIPT, volunteer).version)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [1, 2, 3]
    assert sorted(Document.objects.filter(case=case).values_list("version", flat=True)) == [1, 2, 3]


# --- the receipt's access code ----------------------------------------------------------


def test_the_access_code_is_printed_on_the_handed_out_receipt_but_never_stored(world):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    document = documents.generate(case, Kind.RECEIPT, volunteer, access_code="73920418")
    assert "73920418" in squash(pdf_text(document.printable))
    stored = document.file.open("rb").read()
    document.file.close()
    assert "73920418" not in squash(pdf_text(stored))
    assert "查询码已在登记时告知您" in squash(pdf_text(stored))
    assert b"73920418" not in stored
    assert "73920418" not in str(CaseEvent.objects.filter(case=case).values_list("data", "note"))


def test_the_session_code_prints_only_within_30_minutes_of_intake(world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    intake_at = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)

    def session():
        return {f"access_code:{case.number}": {"code": "12345678", "at": intake_at.isoformat()}}

    later = intake_at + datetime.timedelta(minutes=29)
    assert recent_access_code(session(), case.number, now=later) == "12345678"
    too_late = intake_at + datetime.timedelta(minutes=31)
    assert recent_access_code(session(), case.number, now=too_late) is None
    assert recent_access_code({}, case.number, now=later) is None
    broken = {f"access_code:{case.number}": {"code": "1", "at": "yesterday"}}
    assert recent_access_code(broken, case.number, now=later) is None
    assert broken == {}  # a stale or broken entry is dropped from the session


# --- who may generate what, and when -----------------------------------------------------


def test_a_volunteer_may_generate_the_receipt_and_legal_aid_application_only(world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    assert document_rules.available_kinds(case, world.beijing.volunteer) == [
        Kind.RECEIPT,
        Kind.LEGALAID_APPLICATION,
    ]


def test_no_arbitration_application_or_power_of_attorney_before_a_lawyer_is_assigned(world):
    case = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.ACCEPTED)
    kinds = document_rules.available_kinds(case, world.beijing.coordinator)
    assert Kind.ARBITRATION_APPLICATION not in kinds
    assert Kind.POWER_OF_ATTORNEY not in kinds
    assert Kind.INJURY_APPLICATION in kinds  # an accepted injury claim


def test_the_assigned_lawyer_gets_the_legal_papers_but_not_the_receipt(world):
    case = lawyer_case(world)
    # An injury claim before the 工伤认定 with no employer named: no arbitration yet.
    assert document_rules.available_kinds(case, world.beijing.lawyer.user) == [
        Kind.LEGALAID_APPLICATION,
        Kind.INJURY_APPLICATION,
        Kind.POWER_OF_ATTORNEY,
    ]


def test_no_injury_application_for_a_wage_claim(world):
    case = lawyer_case(world, claims=[ClaimType.WAGE])
    assert Kind.INJURY_APPLICATION not in document_rules.available_kinds(
        case, world.beijing.coordinator
    )


def test_the_closing_report_is_for_resolved_and_referred_cases_only(world):
    coordinator = world.beijing.coordinator
    resolved = lawyer_case(world, state=Case.State.RESOLVED)
    referred = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.REFERRED)
    working = lawyer_case(world)
    assert Kind.CLOSING_REPORT in document_rules.available_kinds(resolved, coordinator)
    assert Kind.CLOSING_REPORT in document_rules.available_kinds(referred, coordinator)
    assert Kind.CLOSING_REPORT not in document_rules.available_kinds(working, coordinator)
    assert Kind.CLOSING_REPORT not in document_rules.available_kinds(
        resolved, world.beijing.volunteer
    )
    assert Kind.INJURY_APPLICATION not in document_rules.available_kinds(referred, coordinator)


def test_nothing_may_be_generated_by_someone_outside_the_case(world):
    case = lawyer_case(world, state=Case.State.RESOLVED)
    for outsider in (world.kunming.coordinator, world.kunming.volunteer, world.kunming.lawyer.user):
        assert document_rules.available_kinds(case, outsider) == []
    with pytest.raises(documents.DocumentRefused):
        documents.generate(case, Kind.CLOSING_REPORT, world.kunming.coordinator)


def test_the_closing_report_satisfies_the_close_transition_condition(world):
    from cases.models.case import has_closing_report

    case = lawyer_case(world, state=Case.State.RESOLVED)
    assert not has_closing_report(case)
    documents.generate(case, Kind.CLOSING_REPORT, world.beijing.coordinator)
    assert has_closing_report(case)
