"""Issue 17 in headless Chromium: lawyer2 computes the 经济补偿 on a wage case, uses it
as the claim, generates the 仲裁申请书, downloads the PDF and the Word copy, and the
claims in both match the calculation (read back with pdftotext and python-docx)."""

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from cases.documents.docx import docx_text
from cases.documents.fill import rmb_upper
from cases.models import Calculation, Case, Party
from lawyers.models import ClaimType
from tests.conftest import DESKTOP
from tests.helpers import PASSWORD, make_case, make_lawyer
from tests.journeys import Steps, documents_row, generate_document, login, messages

pytestmark = pytest.mark.browser


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace(",", "")


@pytest.mark.django_db(transaction=True)
def test_lawyer2_computes_severance_uses_it_as_the_claim_and_both_files_agree(
    new_page, world, request, tmp_path
):
    steps = Steps(request)
    km = world.kunming
    lawyer = make_lawyer("lawyer2", regions=["530103"], name="李娜", firm="云南八谦律师事务所")
    case = make_case(
        km.station,
        km.volunteer,
        state=Case.State.IN_PROGRESS,
        lawyer=lawyer,
        worker={"name": "杨志华", "arrangement": "contract", "occupation": "快递员"},
        claims=[ClaimType.WAGE],
        facts="2026年10月31日被公司以“业务调整”为由解除劳动合同，未支付经济补偿。",
        parties=[
            {
                "kind": Party.Kind.EMPLOYER,
                "name": "昆明韵达快递服务有限公司盘龙分公司",
                "address": "昆明市盘龙区北京路100号",
                "representative": "王某",
                "representative_title": "负责人",
            }
        ],
    )

    page = new_page(DESKTOP)
    # Rendering the PDF and the Word copy takes seconds on a shared, busy machine.
    page.set_default_timeout(60_000)
    login(page, "lawyer2", PASSWORD)
    page.goto(case.get_absolute_url())
    page.locator("#calculate-link").click()
    page.select_option("#id_kind_pick", "labor.severance")
    with page.expect_navigation():
        page.get_by_role("button", name="选择").click()
    page.fill("#id_start", "2022-03-01")
    page.fill("#id_end", "2026-10-31")
    page.fill("#id_wage", "6000")
    with page.expect_navigation():
        page.get_by_role("button", name="计算", exact=True).click()
    # 4 years 8 months: the 8 months count as a year (劳动合同法 47 I): 5 × 6,000.00.
    assert page.locator("#result-total").inner_text().replace(",", "") == "30000.00"
    assert "《劳动合同法》第四十七条" in page.locator("#result").inner_text()
    steps.shot(page, "result", readme="calculator", element=page.locator("#result"))

    with page.expect_navigation():
        page.locator("#use-as-claim").click()
    assert "用作请求金额" in messages(page)
    calculation = Calculation.objects.get(case=case)
    assert calculation.total == Decimal("30000.00") and calculation.used_at is not None
    steps.shot(page, "saved")

    page.goto(case.get_absolute_url())
    generate_document(page, "劳动人事争议仲裁申请书")
    row = documents_row(page, "劳动人事争议仲裁申请书")
    with page.expect_download() as pdf_download:
        row.get_by_role("link", name="下载 PDF").click()
    with page.expect_download() as docx_download:
        row.get_by_role("link", name="下载 Word").click()
    pdf_path, docx_path = tmp_path / "a.pdf", tmp_path / "a.docx"
    pdf_download.value.save_as(pdf_path)
    docx_download.value.save_as(docx_path)
    steps.shot(page, "documents")

    pdf_words = squash(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True
        ).stdout.decode()
    )
    docx_words = squash(docx_text(Path(docx_path).read_bytes()))
    claim = (
        f"1.裁决被申请人向申请人支付经济补偿人民币30000.00元（大写：{rmb_upper(Decimal('30000'))}）"
    )
    assert claim in pdf_words
    assert claim in docx_words
    assert "《劳动合同法》第四十七条" in pdf_words and "《劳动合同法》第四十七条" in docx_words
    assert "2." not in pdf_words.split("仲裁请求")[1].split("事实和理由")[0]  # one item only
