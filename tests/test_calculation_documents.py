"""What the worker is owed, in the case and in the documents (issue 17 parts 2 and 3):
the 计算 page, saved versions, 用作请求金额, the DOCX copy of every document and the
lawyer's final version. Amounts are read back from the PDF (pdftotext) and the DOCX
(python-docx)."""

import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as DocxDocument
from docx.oxml.ns import qn

from cases.calculations import record
from cases.documents import generate as documents
from cases.documents.docx import docx_text
from cases.documents.fill import rmb_upper
from cases.models import (
    Calculation,
    Case,
    CaseEvent,
    Document,
    Particulars,
    Party,
    RegionalFigure,
    Worker,
)
from lawyers.models import ClaimType
from tests.helpers import login, make_case

Kind = Document.Kind
State = Case.State

EMPLOYER = {
    "kind": Party.Kind.EMPLOYER,
    "name": "昆明畅达配送服务有限公司",
    "credit_code": "91530103MA6K00070J",
    "address": "昆明市盘龙区北京路925号",
    "representative": "李某某",
    "representative_title": "总经理",
}


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True)
    return out.stdout.decode()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace(",", "")


def wage_case(world, claims=(ClaimType.WAGE,), **kwargs):
    region = world.kunming
    region.lawyer.specialties = list(ClaimType.values)
    region.lawyer.save(update_fields=["specialties"])
    kwargs.setdefault("parties", [EMPLOYER])
    kwargs.setdefault("worker", {"name": "张三", "arrangement": Worker.Arrangement.CONTRACT})
    return make_case(
        region.station,
        region.volunteer,
        state=State.IN_PROGRESS,
        lawyer=region.lawyer,
        claims=list(claims),
        **kwargs,
    )


SEVERANCE = {"start": "2022-03-01", "end": "2026-10-31", "wage": "6000"}
# 劳动合同法 47 I: 2022-03-01 to 2026-10-31 is 4 years 8 months; the remainder of 8
# months (6 or more) counts as a year: 5 months × 6,000.00 = 30,000.00.
SEVERANCE_TOTAL = Decimal("30000.00")


# --- the 计算 page ------------------------------------------------------------------------


def test_the_claims_suggest_the_kinds(world):
    assert record.suggested_kinds(wage_case(world))[0] == "labor.unpaid_wages"
    tort = wage_case(world, claims=[ClaimType.TORT], parties=[])
    assert record.suggested_kinds(tort) == ["traffic.disability"]
    both = wage_case(world, claims=[ClaimType.INJURY, ClaimType.LABOR])
    assert record.suggested_kinds(both)[:2] == ["injury.disability", "injury.death"]


def test_the_form_is_built_from_the_parameter_declarations_and_prefilled(world, client):
    RegionalFigure.objects.create(
        region_prefix="5301",
        year=2025,
        figure=RegionalFigure.Figure.AVG_WAGE,
        value=Decimal("8600"),
        source=RegionalFigure.DEMO_SOURCE,
    )
    case = wage_case(world)
    login(client, world.kunming.lawyer.user)
    page = client.get(
        reverse("cases:calculate", args=[case.number]) + "?kind=labor.severance"
    ).content.decode()
    for label in ("入职日期", "最后工作日", "月工资", "本地区上年度职工月平均工资"):
        assert label in page
    assert 'value="8600.00"' in page
    assert "示例数据，请核对当地统计公报" in page  # the figure's source beside it


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({**SEVERANCE, "wage": "-5"}, "wage", "不能为负数"),
        ({**SEVERANCE, "end": "2020-01-01"}, "end", ""),
        ({**SEVERANCE, "start": "2026-13-45"}, "start", "日期格式不正确"),
        ({**SEVERANCE, "wage": "六千"}, "wage", "不是有效的数字"),
        ({"end": "2026-10-31", "wage": "6000"}, "start", "必须填写"),
    ],
)
def test_bad_input_is_refused_at_the_field_with_everything_kept(
    world, client, params, field, message
):
    case = wage_case(world)
    login(client, world.kunming.lawyer.user)
    response = client.post(
        reverse("cases:calculate", args=[case.number]),
        {"kind": "labor.severance", "action": "save", **params},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="error-{field}"' in page
    assert message in page
    for value in params.values():
        assert f'value="{value}"' in page
    assert not Calculation.objects.exists()


def test_an_unknown_kind_falls_back_with_a_message_not_a_500(world, client):
    case = wage_case(world)
    login(client, world.kunming.lawyer.user)
    response = client.get(reverse("cases:calculate", args=[case.number]) + "?kind=nope")
    assert response.status_code == 200
    assert "未知的计算类型" in response.content.decode()


def test_only_the_legal_side_in_scope_opens_the_page(world, client):
    case = wage_case(world)
    url = reverse("cases:calculate", args=[case.number])
    for outsider in (world.kunming.volunteer, world.beijing.coordinator, world.beijing.lawyer.user):
        client.logout()
        login(client, outsider)
        assert client.get(url).status_code == 404


def test_saving_makes_a_version_and_using_it_fills_the_claim(world, client):
    case = wage_case(world)
    lawyer = world.kunming.lawyer.user
    login(client, lawyer)
    url = reverse("cases:calculate", args=[case.number])
    response = client.post(url, {"kind": "labor.severance", "action": "calculate", **SEVERANCE})
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 个月" in page and "《劳动合同法》第四十七条" in page
    client.post(url, {"kind": "labor.severance", "action": "save", **SEVERANCE})
    client.post(url, {"kind": "labor.severance", "action": "use", **SEVERANCE})
    first, second = Calculation.objects.filter(case=case).order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert first.used_at is None and second.used_at is not None
    assert second.total == SEVERANCE_TOTAL
    case.refresh_from_db()
    assert case.amount_claimed == SEVERANCE_TOTAL
    assert [i["code"] for i in case.claimed_items] == ["severance"]
    logged = case.events.filter(kind=CaseEvent.Kind.CALCULATION)
    assert logged.count() == 3 and logged.filter(data__used=True, actor=lawyer).exists()
    # An older version can be used again.
    client.post(reverse("cases:use_calculation", args=[case.number, first.pk]))
    first.refresh_from_db()
    assert first.used_at is not None


def test_the_arbitration_application_numbers_each_item_with_figures_and_capitals(world):
    case = wage_case(world)
    lawyer = world.kunming.lawyer.user
    calculation = record.save(
        case,
        lawyer,
        "labor.double_wage",
        {"start": "2026-01-05", "wage": "6000", "end": "2026-06-04"},
    )
    record.use_as_claim(calculation, lawyer)
    extra = record.save(case, lawyer, "labor.unpaid_wages", {"amount": "3100"})
    items = case.claimed_items + record.claim_items(extra)
    case.claimed_items = items
    case.amount_claimed = sum(Decimal(i["amount"]) for i in items)
    case.save()
    pdf, docx = documents.render_both(case, Kind.ARBITRATION_APPLICATION)
    pdf_words, docx_words = squash(pdf_text(pdf)), squash(docx_text(docx))
    for n, item in enumerate(items, start=1):
        amount = Decimal(item["amount"])
        line = f"{n}.裁决被申请人向申请人支付{item['label']}人民币{amount:.2f}元（大写：{rmb_upper(amount)}）"
        assert line in pdf_words, line
        assert line in docx_words, line
    total = f"合计：人民币{case.amount_claimed:.2f}元"
    assert total in pdf_words and total in docx_words
    assert "其他依法应当支持的请求" not in pdf_words


def test_what_the_fund_pays_is_not_claimed_from_the_employer(world):
    case = wage_case(world, claims=[ClaimType.INJURY])
    lawyer = world.kunming.lawyer.user
    calculation = record.save(
        case,
        lawyer,
        "injury.disability",
        {"grade": "9", "wage": "6000", "medical_months": "4", "employment_months": "6"},
    )
    record.use_as_claim(calculation, lawyer)
    Particulars.objects.create(case=case, injury_decision=Particulars.Decision.RECOGNISED)
    from cases.deadlines import bookkeeping

    bookkeeping.record_milestone(case, "injury_decided", case.incident_date, lawyer)
    text = squash(pdf_text(documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)))
    assert "一次性伤残就业补助金" in text  # the employer pays it (条例 37 (二))
    assert "一次性伤残补助金" not in text  # the fund does (37 (一))
    assert "一次性工伤医疗补助金" not in text


def test_the_closing_report_shows_claimed_against_recovered_per_item(world, client):
    case = wage_case(world)
    lawyer = world.kunming.lawyer.user
    calculation = record.save(case, lawyer, "labor.severance", SEVERANCE)
    record.use_as_claim(calculation, lawyer)
    from cases.workflow import apply_transition

    apply_transition(
        case, "resolve", lawyer, outcome=Case.Outcome.MEDIATION, amount_recovered=Decimal("20000")
    )
    Particulars.objects.create(case=case, recovered_items={"severance": "20000.00"})
    text = squash(pdf_text(documents.render_pdf(case, Kind.CLOSING_REPORT)))
    assert "请求与结果" in text
    assert "经济补偿" in text and "30000.00" in text and "20000.00" in text


# --- DOCX -------------------------------------------------------------------------------


def test_every_generated_document_has_a_stored_hashed_docx(world):
    import hashlib

    case = wage_case(world)
    coordinator = world.kunming.coordinator
    for kind in (Kind.LEGALAID_APPLICATION, Kind.ARBITRATION_APPLICATION, Kind.POWER_OF_ATTORNEY):
        document = documents.generate(case, kind, coordinator)
        with document.docx.open("rb") as f:
            data = f.read()
        assert document.docx_sha256 == hashlib.sha256(data).hexdigest()
        assert document.docx_size == len(data)
        assert document.docx.name.endswith(f"{kind}-v1.docx")
        DocxDocument(io.BytesIO(data))  # opens


def test_the_docx_names_chinese_fonts_with_fallbacks_on_a4_with_page_numbers(world):
    case = wage_case(world)
    _pdf, data = documents.render_both(case, Kind.ARBITRATION_APPLICATION)
    document = DocxDocument(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    title_fonts = {
        r.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        for r in document.paragraphs[0].runs
    }
    assert title_fonts == {"宋体"}
    with __import__("zipfile").ZipFile(io.BytesIO(data)) as archive:
        table = archive.read("word/fontTable.xml").decode()
        footer = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")
        )
    assert 'w:name="宋体"' in table and 'w:val="SimSun"' in table
    assert 'w:name="仿宋"' in table and 'w:val="FangSong"' in table
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_the_docx_says_what_the_pdf_says(world):
    case = wage_case(
        world,
        worker={"name": "张三", "arrangement": Worker.Arrangement.CONTRACT, "occupation": "骑手甲"},
    )
    for kind in (
        Kind.LEGALAID_APPLICATION,
        Kind.ARBITRATION_APPLICATION,
        Kind.POWER_OF_ATTORNEY,
        Kind.RECEIPT,
    ):
        pdf, docx = documents.render_both(case, kind)
        docx_words = squash(docx_text(docx))
        # Line by line: pdftotext orders table cells by position, not by source. The
        # margins (the title repeated, page numbers) are the PDF's own.
        phrases = {
            phrase
            for line in pdf_text(pdf).splitlines()
            for phrase in re.findall(r"[\u4e00-\u9fff（）《》]{4,}", line.replace(" ", ""))
        }
        assert len(phrases) > 15
        for phrase in phrases:
            if re.fullmatch(r"第\d+页共\d+页", phrase):
                continue
            assert phrase in docx_words, (kind, phrase)


def test_word_downloads_are_permission_checked_and_audited(world, client):
    case = wage_case(world)
    lawyer = world.kunming.lawyer.user
    document = documents.generate(case, Kind.ARBITRATION_APPLICATION, lawyer)
    url = reverse("cases:document_download", args=[case.number, document.pk]) + "?format=docx"
    login(client, world.kunming.volunteer)  # a volunteer may not read a legal paper
    assert client.get(url).status_code == 404
    client.logout()
    login(client, lawyer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == Document.DOCX
    assert ".docx" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")
    event = case.events.filter(kind=CaseEvent.Kind.DOWNLOAD).get()
    assert event.data["format"] == "docx" and event.actor == lawyer


# --- the final version -------------------------------------------------------------------


def test_the_lawyer_uploads_a_signed_final_version_and_the_case_shows_it(world, client):
    case = wage_case(world)
    lawyer = world.kunming.lawyer.user
    generated = documents.generate(case, Kind.ARBITRATION_APPLICATION, lawyer)
    login(client, lawyer)
    url = reverse("cases:document_upload_final", args=[case.number, Kind.ARBITRATION_APPLICATION])
    with generated.docx.open("rb") as f:
        edited = f.read()
    client.post(url, {"file": SimpleUploadedFile("改后.docx", edited)})
    first = Document.objects.get(case=case, kind=Kind.ARBITRATION_APPLICATION, final=True)
    assert (first.version, first.origin, first.content_type) == (2, "uploaded", Document.DOCX)
    signed = documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)
    client.post(url, {"file": SimpleUploadedFile("签字.pdf", signed)})
    final = Document.objects.get(case=case, kind=Kind.ARBITRATION_APPLICATION, final=True)
    assert final.version == 3 and final.content_type == Document.PDF
    assert final.original_name == "签字.pdf"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "最终版" in page
    assert case.events.filter(kind=CaseEvent.Kind.DOCUMENT, data__final=True).count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.docx", b"MZ\x90\x00 an exe renamed"),
        ("伪装.pdf", b"PK\x03\x04 not really a docx"),
        ("空.pdf", b""),
    ],
)
def test_a_final_version_is_checked_by_content(world, client, name, content):
    case = wage_case(world)
    lawyer = world.kunming.lawyer.user
    documents.generate(case, Kind.ARBITRATION_APPLICATION, lawyer)
    login(client, lawyer)
    url = reverse("cases:document_upload_final", args=[case.number, Kind.ARBITRATION_APPLICATION])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "不是 PDF 或 Word" in page or "空文件" in page or "请选择要上传的文件" in page
    assert not Document.objects.filter(case=case, final=True).exists()


def test_outsiders_cannot_upload_a_final_version(world, client):
    case = wage_case(world)
    login(client, world.beijing.lawyer.user)
    url = reverse("cases:document_upload_final", args=[case.number, Kind.ARBITRATION_APPLICATION])
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")})
    assert response.status_code == 404
