"""Documents a receiving body accepts (issue 21): each form offered only where the law
sends the case, with the particulars the law requires, laid out to survive a page break.

Every PDF is read back with pdftotext; every particular is looked for in the text."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import bookkeeping
from cases.documents import fill, rules
from cases.documents import generate as documents
from cases.models import (
    ArbitrationCommission,
    Case,
    CaseEvent,
    Deadline,
    Document,
    LocalField,
    Milestone,
    Particulars,
    Party,
    Worker,
)
from cases.validators import uscc_check_char, validate_credit_code
from cases.workflow import apply_transition
from lawyers.models import ClaimType
from tests.helpers import login, make_case, make_document

Kind = Document.Kind
State = Case.State
M = Milestone.Kind

TODAY = datetime.date(2026, 12, 1)


def pdf_text(data: bytes, *, first=None, last=None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(
        [*args, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def squash(text: str) -> str:
    """Without whitespace, and without thousands separators (the amounts' grouping
    follows the locale's settings; the figures are what is checked)."""
    return re.sub(r"\s+", "", text).replace(",", "")


def pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


# A fully filled case: every particular a form may print, each a distinctive string.
WORKER = {
    "name": "段小龙",
    "id_number": "530102199503120618",
    "ethnicity": "彝族",
    "occupation": "外卖配送员甲",
    "domicile": "云南省楚雄市鹿城镇阳光路6号",
    "mailing_address": "昆明市盘龙区北京路1188号3栋402室",
    "postcode": "650051",
    "platform": Worker.Platform.ELEME,
    "arrangement": Worker.Arrangement.CONTRACT,
}
EMPLOYER = {
    "kind": Party.Kind.OUTSOURCER,
    "name": "云南驰骋人力资源有限公司",
    "credit_code": "91530103MA6K00030E",
    "address": "昆明市盘龙区白塔路316号",
    "mailing_address": "昆明市盘龙区白塔路316号5楼",
    "postcode": "650011",
    "phone": "0871-63301122",
    "representative": "陈某某",
    "representative_title": "执行董事",
}
DISPATCHER = {
    "kind": Party.Kind.AGENCY,
    "name": "云南众合劳务派遣有限公司",
    "credit_code": "91530103MA6K00080K",
    "address": "昆明市五华区人民中路8号",
    "phone": "0871-64440000",
    "representative": "赵某某",
    "representative_title": "总经理",
}
PLATFORM = {
    "kind": Party.Kind.PLATFORM,
    "name": "北京三快在线科技有限公司",
    "credit_code": "91110108551385082Q",
    "address": "北京市海淀区北四环西路9号",
    "representative": "王某某",
    "representative_title": "经理",
}
DRIVER = {
    "kind": Party.Kind.OTHER_DRIVER,
    "name": "刘某某",
    "sex": "男",
    "address": "北京市朝阳区酒仙桥路12号院",
    "phone": "13911112299",
    "contact": "京B·T6K21",
}
INSURER = {
    "kind": Party.Kind.INSURER,
    "name": "某财产保险股份有限公司北京市分公司",
    "address": "北京市西城区西长安街88号",
    "representative": "孙某某",
    "representative_title": "总经理",
}
PARTICULARS = {
    "legalaid_centre": "昆明市盘龙区法律援助中心",
    "assignment_number": "昆盘援指〔2026〕0088号",
    "assignment_date": datetime.date(2026, 11, 5),
    "accident_time": datetime.time(19, 10),
    "accident_place": "北京路与东风东路交叉口",
    "accident_cause": "配送途中避让行人摔倒",
    "injured_parts": "左手腕桡骨远端",
    "diagnosed_on": datetime.date(2026, 11, 3),
    "work_started_on": datetime.date(2025, 3, 1),
    "occupational_agency": "盘龙区社会保险事业管理局",
    "decision_body": "昆明市盘龙区人力资源和社会保障局",
    "decision_number": "盘人社工认〔2026〕第0137号",
    "decision_date": datetime.date(2026, 11, 20),
    "reconsideration_reasons": "订单记录显示事发时正在配送订单。",
    "court": "北京市朝阳区人民法院",
    "witnesses": "站长王某某，住昆明市盘龙区金瓦路27号",
    "poa_authority": Particulars.Authority.SPECIAL,
    "poa_items": ["arb_claims", "arb_mediation", "settle", "court_claims", "court_sign"],
    "documents_obtained": ["mediation", "award"],
    "worker_opinion": Particulars.Opinion.SATISFIED,
    "followup_date": datetime.date(2026, 11, 28),
    "followup_note": "受援人表示款项已到账",
}


def full_case(world, *, claims, parties, state=State.IN_PROGRESS, milestones=(), **fields):
    region = world.kunming
    region.lawyer.specialties = list(ClaimType.values)
    region.lawyer.save(update_fields=["specialties"])
    fields.setdefault("amount_claimed", Decimal("3100.00"))
    fields.setdefault("evidence", {"pay_records": True, "chat_records": True})
    fields.setdefault("incident_date", datetime.date(2026, 11, 2))
    worker = {**WORKER, **fields.pop("worker", {})}
    extra = fields.pop("particulars", {})
    case = make_case(
        region.station,
        region.volunteer,
        state=state if state != State.CLOSED else State.RESOLVED,
        lawyer=region.lawyer,
        worker=worker,
        claims=claims,
        parties=parties,
        **fields,
    )
    Particulars.objects.create(case=case, **{**PARTICULARS, **extra})
    for kind, date in milestones:
        bookkeeping.record_milestone(case, kind, date, world.admin)
    case.refresh_from_db()
    return case


@pytest.fixture
def commission(db):
    return ArbitrationCommission.objects.create(
        region_prefix="530103", name="昆明市盘龙区劳动人事争议仲裁委员会"
    )


# --- which forms, where the law sends the case ---------------------------------------

ALL_LEGAL = {
    Kind.LEGALAID_APPLICATION,
    Kind.INJURY_APPLICATION,
    Kind.OCCUPATIONAL_APPLICATION,
    Kind.RECONSIDERATION_APPLICATION,
    Kind.ARBITRATION_APPLICATION,
    Kind.CIVIL_COMPLAINT,
    Kind.POWER_OF_ATTORNEY,
}
E, PF, AG, OD, INS = (
    Party.Kind.EMPLOYER,
    Party.Kind.PLATFORM,
    Party.Kind.AGENCY,
    Party.Kind.OTHER_DRIVER,
    Party.Kind.INSURER,
)
CONTRACT, CROWD = Worker.Arrangement.CONTRACT, Worker.Arrangement.CROWD
INJ, OCC, WAGE, TORT, LAB = (
    ClaimType.INJURY,
    ClaimType.OCCUPATIONAL,
    ClaimType.WAGE,
    ClaimType.TORT,
    ClaimType.LABOR,
)
R, NR = Particulars.Decision.RECOGNISED, Particulars.Decision.NOT_RECOGNISED

OFFERED = [
    # (name, claims, parties, arrangement, milestones, decision, expected forms)
    ("tort only", {TORT}, {OD, INS}, CONTRACT, set(), "", {Kind.CIVIL_COMPLAINT}),
    ("wage", {WAGE}, {E}, CONTRACT, set(), "", {Kind.ARBITRATION_APPLICATION}),
    ("wage, dispatched", {WAGE}, {AG}, CONTRACT, set(), "", {Kind.ARBITRATION_APPLICATION}),
    ("wage, no employer named yet", {WAGE}, set(), CONTRACT, set(), "", set()),
    ("injury before decision", {INJ}, {E}, CONTRACT, set(), "", {Kind.INJURY_APPLICATION}),
    (
        "injury not recognised",
        {INJ},
        {E},
        CONTRACT,
        {M.INJURY_DECIDED},
        NR,
        {Kind.RECONSIDERATION_APPLICATION},
    ),
    (
        "injury decided, result not recorded",
        {INJ},
        {E},
        CONTRACT,
        {M.INJURY_DECIDED},
        "",
        {Kind.RECONSIDERATION_APPLICATION},
    ),
    (
        "injury recognised",
        {INJ},
        {E},
        CONTRACT,
        {M.INJURY_DECIDED},
        R,
        {Kind.ARBITRATION_APPLICATION},
    ),
    ("occupational only", {OCC}, {PF}, CROWD, set(), "", {Kind.OCCUPATIONAL_APPLICATION}),
    (
        "occupational refused",
        {OCC},
        {PF},
        CROWD,
        {M.OCCUPATIONAL_CONFIRMED},
        Particulars.Decision.OCCUPATIONAL_REFUSED,
        {Kind.RECONSIDERATION_APPLICATION},
    ),
    (
        "occupational + tort",
        {OCC, TORT},
        {PF, OD, INS},
        CROWD,
        set(),
        "",
        {Kind.OCCUPATIONAL_APPLICATION, Kind.CIVIL_COMPLAINT},
    ),
    (
        "disputed labour relationship",
        {LAB},
        {PF},
        CROWD,
        set(),
        "",
        {Kind.ARBITRATION_APPLICATION},
    ),
    (
        "injury of a crowd rider: relationship first",
        {INJ},
        {PF},
        CROWD,
        set(),
        "",
        {Kind.INJURY_APPLICATION, Kind.ARBITRATION_APPLICATION},
    ),
]


@pytest.mark.parametrize(
    ("claims", "parties", "arrangement", "milestones", "decision", "expected"),
    [row[1:] for row in OFFERED],
    ids=[row[0] for row in OFFERED],
)
def test_the_forms_offered_follow_the_claim_and_the_stage(
    claims, parties, arrangement, milestones, decision, expected
):
    facts = rules.Facts(
        claims=frozenset(claims),
        milestones=frozenset(milestones),
        parties=frozenset(parties),
        decision=decision,
        arrangement=arrangement,
        has_lawyer=True,
    )
    offered = set(rules.offered(facts, State.IN_PROGRESS))
    # The legal-aid application and the power of attorney go with every aided case.
    assert offered & (ALL_LEGAL - {Kind.LEGALAID_APPLICATION, Kind.POWER_OF_ATTORNEY}) == expected
    assert {Kind.LEGALAID_APPLICATION, Kind.POWER_OF_ATTORNEY} <= offered


def test_a_tort_only_case_gets_no_arbitration_application_and_the_page_says_why(world, client):
    case = full_case(world, claims=[TORT], parties=[DRIVER, INSURER])
    lawyer = world.kunming.lawyer.user
    assert Kind.ARBITRATION_APPLICATION not in rules.available_kinds(case, lawyer)
    assert Kind.CIVIL_COMPLAINT in rules.available_kinds(case, lawyer)
    with pytest.raises(documents.DocumentRefused):
        documents.generate(case, Kind.ARBITRATION_APPLICATION, lawyer)
    page = login(client, lawyer).get(case.get_absolute_url()).content.decode()
    assert "暂不可生成" in page and "劳动争议调解仲裁法第二条" in page


def test_recording_the_decision_switches_the_injury_form_to_the_reconsideration(world):
    case = full_case(world, claims=[INJ], parties=[EMPLOYER])
    lawyer = world.kunming.lawyer.user
    assert Kind.INJURY_APPLICATION in rules.available_kinds(case, lawyer)
    assert Kind.RECONSIDERATION_APPLICATION not in rules.available_kinds(case, lawyer)
    bookkeeping.record_milestone(case, M.INJURY_DECIDED, datetime.date(2026, 11, 25), lawyer)
    kinds = rules.available_kinds(case, lawyer)
    assert Kind.INJURY_APPLICATION not in kinds
    assert Kind.RECONSIDERATION_APPLICATION in kinds
    assert "行政复议" in rules.refusal(case, Kind.INJURY_APPLICATION, lawyer)


# --- each form: every required particular, none of the forbidden content -----------

FORBIDDEN_EVERYWHERE = ["（外包/派遣单位）", "（用人单位）", "其他依法应当支持的请求", "全权代理人"]


def check_filed(pdf: bytes, case) -> str:
    text = squash(pdf_text(pdf))
    for forbidden in FORBIDDEN_EVERYWHERE:
        assert forbidden not in text, forbidden
    # Filed with a public body: no internal header or footer.
    assert case.number not in text
    assert "生成于" not in text
    assert f"第1页共{pages(pdf)}页" in text  # page numbers stay
    return text


def test_arbitration_application_has_every_particular_of_rule_29(world, commission):
    case = full_case(
        world,
        claims=[WAGE],
        parties=[EMPLOYER, DISPATCHER],
        facts="2026年10月离职，公司扣发10月工资3100元。",
    )
    pdf = documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)
    text = check_filed(pdf, case)
    for particular in [
        "劳动人事争议仲裁申请书",
        "段小龙",
        "1995年3月12日",  # 出生日期 from the ID number, not an age
        "彝族",
        "530102199503120618",
        "外卖配送员甲",  # 职业 as entered
        "云南省楚雄市鹿城镇阳光路6号",
        "昆明市盘龙区北京路1188号3栋402室",
        # each respondent: name, code, 住所, 通讯地址, 电话, 法定代表人 and 职务
        "云南驰骋人力资源有限公司",
        "91530103MA6K00030E",
        "昆明市盘龙区白塔路316号5楼",
        "0871-63301122",
        "陈某某",
        "执行董事",
        "云南众合劳务派遣有限公司",
        "赵某某",
        "总经理",
        # a specific, numbered claim with its amount in figures and capitals, and basis
        "裁决被申请人向申请人支付拖欠的劳动报酬人民币3100.00元",
        "叁仟壹佰元整",
        "《中华人民共和国劳动合同法》第三十条第一款",
        # the evidence list from the checklist, the witness, the commission by name
        "工资条、银行流水或平台收入明细",
        "站长王某某",
        "昆明市盘龙区劳动人事争议仲裁委员会",
        "副本2份",  # one per respondent
    ]:
        assert particular in text, particular
    assert "年龄" not in text
    assert "饿了么平台配送员" not in text  # the platform dropdown is not an occupation
    assert "第二十八条" not in text  # the procedural article is no legal basis


def test_arbitration_application_puts_relationship_first_for_a_crowd_rider(world):
    case = full_case(
        world, claims=[LAB], parties=[PLATFORM], worker={"arrangement": CROWD}, amount_claimed=None
    )
    text = check_filed(documents.render_pdf(case, Kind.ARBITRATION_APPLICATION), case)
    assert "1.确认申请人与被申请人北京三快在线科技有限公司之间存在劳动关系" in text
    assert "第二条第（一）项" in text


def test_injury_application_has_the_ministry_form_fields(world):
    case = full_case(
        world,
        claims=[INJ, TORT],
        parties=[EMPLOYER, DRIVER],
        particulars={
            "injury_applicant": Particulars.Applicant.RELATIVE,
            "applicant_name": "段大山",
            "applicant_relation": "父亲",
        },
    )
    text = check_filed(documents.render_pdf(case, Kind.INJURY_APPLICATION), case)
    for particular in [
        "工伤认定申请表",
        "段大山",
        "近亲属（父亲）",
        "2026年11月2日19时10分",  # 事故时间 with the hour
        "北京路与东风东路交叉口",
        "配送途中避让行人摔倒",
        "左手腕桡骨远端",
        "2026年11月3日",  # 诊断时间
        "2025年3月1日",  # 参加工作时间
        "昆明市盘龙区北京路1188号3栋402室",  # 家庭地址
        "650051",
        "云南驰骋人力资源有限公司",
        "0871-63301122",  # 单位电话
        "650011",  # 单位邮编
        "填表日期",
        "道路交通事故认定书",  # a road accident lists the police's finding
    ]:
        assert particular in text, particular
    # One 用人单位, not the other driver.
    assert "刘某某" not in text
    assert "✓近亲属" in text and "✓受伤害职工本人" not in text


def test_occupational_application_prints_the_local_fields(world):
    LocalField.objects.create(
        region_prefix="53",
        document_kind=Kind.OCCUPATIONAL_APPLICATION,
        key="order",
        label="事发订单编号",
    )
    case = full_case(
        world,
        claims=[OCC],
        parties=[PLATFORM],
        worker={"arrangement": CROWD},
        particulars={"local_values": {"order": "M20261102191000"}},
    )
    text = check_filed(documents.render_pdf(case, Kind.OCCUPATIONAL_APPLICATION), case)
    for particular in [
        "职业伤害确认申请",
        "盘龙区社会保险事业管理局",
        "北京三快在线科技有限公司",
        "91110108551385082Q",
        "事发订单编号",
        "M20261102191000",
        "请求确认申请人所受伤害为职业伤害",
        "以当地经办规程为准",
    ]:
        assert particular in text, particular
    assert "工伤认定申请表" not in text


def test_reconsideration_application_names_the_decision_and_the_same_level_government(world):
    case = full_case(
        world,
        claims=[INJ],
        parties=[EMPLOYER],
        milestones=[(M.INJURY_DECIDED, datetime.date(2026, 11, 25))],
        particulars={"injury_decision": Particulars.Decision.NOT_RECOGNISED},
    )
    text = check_filed(documents.render_pdf(case, Kind.RECONSIDERATION_APPLICATION), case)
    for particular in [
        "行政复议申请书",
        "被申请人",
        "昆明市盘龙区人力资源和社会保障局",
        "盘人社工认〔2026〕第0137号",
        "2026年11月20日",  # made
        "2026年11月25日",  # received
        "不予认定工伤决定书",
        "撤销被申请人",
        "订单记录显示事发时正在配送订单",
        "第三人",  # the employer
        "云南驰骋人力资源有限公司",
        "昆明市盘龙区人民政府",  # 行政复议法 24 (1)(一), not the 上一级 人社部门
        "第二十四条第一款第（一）项",
        "第十一条第（七）项",
    ]:
        assert particular in text, particular
    assert "云南省人力资源和社会保障厅" not in text


def test_civil_complaint_sues_the_driver_and_the_insurer_before_the_chosen_court(world):
    case = full_case(
        world, claims=[TORT], parties=[DRIVER, INSURER], amount_claimed=Decimal("68000")
    )
    text = check_filed(documents.render_pdf(case, Kind.CIVIL_COMPLAINT), case)
    for particular in [
        "民事起诉状",
        "原告",
        "彝族",
        "外卖配送员甲",
        "被告1",
        "刘某某",
        "北京市朝阳区酒仙桥路12号院",
        "被告2",
        "某财产保险股份有限公司北京市分公司",
        "孙某某",
        "人民币68000.00元",
        "陆万捌仟元整",
        "第一千一百七十九条",
        "第七十六条",
        "北京市朝阳区人民法院",
        "具状人",
        "副本2份",
    ]:
        assert particular in text, particular


def test_power_of_attorney_lists_each_special_power_for_the_stages_of_the_case(world):
    wage = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    text = check_filed(documents.render_pdf(wage, Kind.POWER_OF_ATTORNEY), wage)
    assert "✓特别授权" in text
    assert "代为承认、放弃、变更仲裁请求" in text and "请求和接受调解" in text
    assert "进行和解" in text
    assert "✓劳动人事争议仲裁" in text
    # Court powers only for court stages: an arbitration-only case does not print them.
    assert "变更诉讼请求" not in text and "民事诉讼一审" not in text
    # Under legal aid: the 指派 reference and the 介绍信 reminder.
    assert "昆盘援指〔2026〕0088号" in text and "介绍信" in text

    tort = full_case(world, claims=[TORT], parties=[DRIVER])
    text = check_filed(documents.render_pdf(tort, Kind.POWER_OF_ATTORNEY), tort)
    assert "代为承认、放弃、变更诉讼请求" in text and "✓民事诉讼一审" in text
    assert "仲裁请求" not in text and "劳动人事争议仲裁" not in text


def test_a_general_power_of_attorney_ticks_general_only(world):
    case = full_case(
        world,
        claims=[WAGE],
        parties=[EMPLOYER],
        particulars={"poa_authority": Particulars.Authority.GENERAL},
    )
    text = squash(pdf_text(documents.render_pdf(case, Kind.POWER_OF_ATTORNEY)))
    assert "✓一般代理" in text and "✓特别授权" not in text
    assert "变更仲裁请求" not in text


def test_legal_aid_application_ticks_services_and_asks_for_aid_in_advance(world):
    case = full_case(world, claims=[INJ], parties=[EMPLOYER])
    # A worker deadline five days away: 法律援助法 44 (1)(一).
    with time_machine.travel(datetime.datetime(2027, 10, 28, 10, tzinfo=datetime.UTC)):
        text = check_filed(documents.render_pdf(case, Kind.LEGALAID_APPLICATION), case)
    assert "昆明市盘龙区法律援助中心" in text
    assert "✓工伤认定申请代理" in text
    assert "✓劳动争议仲裁代理" not in text and "✓民事诉讼代理" not in text
    assert "先行提供法律援助" in text and "第四十四条第一款第（一）项" in text
    assert "云南省楚雄市鹿城镇阳光路6号" in text  # 户籍地
    assert "昆明市盘龙区北京路1188号3栋402室" in text  # 通讯地址
    # 42 (3): ticked with the grounds and the proof on file.
    assert "✓免予核查经济困难状况" in text
    assert "请求工伤事故人身损害赔偿" in text
    assert "证明材料：工资条、银行流水或平台收入明细" in text


def test_no_advance_aid_request_when_no_deadline_is_near(world):
    case = full_case(world, claims=[INJ], parties=[EMPLOYER])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)):
        text = squash(pdf_text(documents.render_pdf(case, Kind.LEGALAID_APPLICATION)))
    assert "先行提供法律援助" not in text


def test_legal_aid_application_for_a_tort_claim_ticks_no_exemption(world):
    case = full_case(world, claims=[TORT], parties=[DRIVER])
    text = squash(pdf_text(documents.render_pdf(case, Kind.LEGALAID_APPLICATION)))
    assert "✓民事诉讼代理" in text
    assert "✓免予核查" not in text


def test_receipt_says_it_is_no_filing_and_prints_the_nearest_deadlines(world):
    case = full_case(world, claims=[INJ], parties=[EMPLOYER], state=State.RECEIVED)
    text = squash(pdf_text(documents.render_pdf(case, Kind.RECEIPT)))
    assert "登记不是法律援助申请" in text
    assert "劳动者申请工伤认定：申请工伤认定" in text
    assert "2027年11月2日" in text  # 1 year from the accident (工伤保险条例 17 II)
    assert case.number in text  # an internal paper keeps its header


def test_receipt_links_the_status_page_on_the_requests_host_when_public_url_is_empty(
    world, client, settings
):
    settings.PUBLIC_URL = ""
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER], state=State.RECEIVED)
    login(client, world.kunming.volunteer)
    client.post(reverse("cases:document_generate", args=[case.number, Kind.RECEIPT]))
    document = Document.objects.get(case=case, kind=Kind.RECEIPT)
    with document.file.open("rb") as f:
        text = squash(pdf_text(f.read()))
    assert "http://testserver/status/" in text


# --- the closing report (issue 13.9) ---------------------------------------------------


def test_closing_report_in_the_legal_aid_closing_format(world):
    case = full_case(
        world, claims=[WAGE], parties=[EMPLOYER], state=State.IN_PROGRESS, amount_claimed=None
    )
    apply_transition(
        case,
        "resolve",
        world.admin,
        outcome=Case.Outcome.MEDIATION,
        amount_recovered=Decimal("3100"),
    )
    text = squash(pdf_text(documents.render_pdf(case, Kind.CLOSING_REPORT)))
    for particular in [
        "昆明市盘龙区法律援助中心",
        "昆盘援指〔2026〕0088号",
        "2026年11月5日",
        "调解结案（调解书）",
        "调解书、仲裁裁决书（复印件附后）",
        "满意",
        "2026年11月28日电话回访：受援人表示款项已到账",
        "第五十条",
    ]:
        assert particular in text, particular


def test_settlement_and_mediation_document_are_different_outcomes():
    assert Case.Outcome.MEDIATION != Case.Outcome.SETTLEMENT
    assert "调解书" in str(Case.Outcome.MEDIATION.label)
    assert "和解" in str(Case.Outcome.SETTLEMENT.label)


def test_closing_report_lists_events_in_true_order_and_deadline_names(world):
    case = full_case(world, claims=[INJ], parties=[EMPLOYER])
    today = timezone.localdate()
    # The decision recorded today, then resolved today: the decision comes first.
    bookkeeping.record_milestone(case, M.INJURY_DECIDED, today, world.admin)
    apply_transition(case, "resolve", world.admin, outcome=Case.Outcome.RECOGNITION)
    text = squash(pdf_text(documents.render_pdf(case, Kind.CLOSING_REPORT)))
    assert text.index("收到工伤认定决定") < text.index("律师办理中→已办结")
    # Deadline names, with the citation beneath.
    assert "申请行政复议《行政复议法》第二十条第一款" in text
    assert "劳动者申请工伤认定" in text


def test_archiving_stores_a_final_report_that_shows_what_archiving_did(world):
    case = full_case(world, claims=[INJ], parties=[EMPLOYER], state=State.RESOLVED)
    documents.generate(case, Kind.CLOSING_REPORT, world.kunming.coordinator)
    before = Document.objects.get(case=case, kind=Kind.CLOSING_REPORT)
    with before.file.open("rb") as f:
        assert re.search("未结[1-9]项", squash(pdf_text(f.read())))
    apply_transition(case, "close", world.kunming.coordinator)
    final = Document.objects.filter(case=case, kind=Kind.CLOSING_REPORT).latest("version")
    assert final.version == 2 and final.generated_by is None  # by the system
    with final.file.open("rb") as f:
        data = f.read()
    text = squash(pdf_text(data))
    assert "已归档" in text
    assert "未结0项" in text and re.search("免除[1-9]项", text)
    # The worker's year to apply is still running: flagged, with what to do.
    assert "劳动者仍须在2027年11月2日前申请工伤认定" in text
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOCUMENT, actor=None).exists()
    # Archived: nobody may generate another.
    with pytest.raises(documents.DocumentRefused):
        documents.generate(case, Kind.CLOSING_REPORT, world.kunming.coordinator)


def test_archiving_goes_on_without_a_font_and_keeps_the_earlier_report(world, monkeypatch):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER], state=State.RESOLVED)
    make_document(case, kind=Kind.CLOSING_REPORT)
    monkeypatch.setattr(documents, "cjk_fonts", lambda: frozenset())
    apply_transition(case, "close", world.kunming.coordinator)
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert Document.objects.filter(case=case, kind=Kind.CLOSING_REPORT).count() == 1


# --- layout ---------------------------------------------------------------------------


def test_long_facts_keep_the_signature_with_the_body(world, commission):
    facts = "".join(
        f"第{i}段：送餐途中被出租车撞倒，站长拒绝支付医疗费和工资。" for i in range(1, 90)
    )
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER], facts=facts + "事实经过到此结束。")
    pdf = documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)
    n = pages(pdf)
    assert n >= 2
    last = squash(pdf_text(pdf, first=n))
    assert "申请人（签名）" in last
    # The signature page carries the body's last section, not only 此致 and a name.
    assert "证据和证据来源" in last and "此致" in last
    for page in range(1, n + 1):
        assert f"第{page}页共{n}页" in squash(pdf_text(pdf, first=page))


def test_many_respondents_flow_and_each_keeps_its_particulars(world, commission):
    respondents = [
        {**EMPLOYER, "name": f"昆明第{i}配送服务有限公司", "representative": f"负责人{i}号"}
        for i in range(1, 9)
    ]
    case = full_case(world, claims=[WAGE], parties=respondents)
    pdf = documents.render_pdf(case, Kind.ARBITRATION_APPLICATION)
    n = pages(pdf)
    assert n >= 2
    text = squash(pdf_text(pdf))
    for i in range(1, 9):
        assert f"昆明第{i}配送服务有限公司" in text and f"负责人{i}号" in text
    assert "副本8份" in text
    last = squash(pdf_text(pdf, first=n))
    assert "证据和证据来源" in last and "申请人（签名）" in last


def test_many_deadlines_repeat_the_table_header_on_every_page(world):
    case = full_case(world, claims=[INJ, WAGE, TORT], parties=[EMPLOYER], state=State.RESOLVED)
    base = datetime.date(2026, 1, 5)
    for i in range(45):
        Deadline.objects.create(
            case=case,
            rule="civil.appeal",
            trigger_date=base,
            due_date=base + datetime.timedelta(days=i),
            binds=Deadline.Binds.WORKER,
            citation="《民事诉讼法》第一百七十一条",
            status=Deadline.Status.DONE,
        )
    pdf = documents.render_pdf(case, Kind.CLOSING_REPORT)
    n = pages(pdf)
    assert n >= 3
    pages_with_rows = [
        p for p in range(1, n + 1) if "不服一审判决上诉" in squash(pdf_text(pdf, first=p))
    ]
    assert len(pages_with_rows) >= 2
    for page in pages_with_rows:
        assert "届满日" in squash(pdf_text(pdf, first=page)), page
    last = squash(pdf_text(pdf, first=n))
    assert "工会审核意见" in last and "受援人意见" in last  # the review box is not alone


def test_tick_boxes_are_the_same_box_ticked_or_not(world):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    html = documents.render_html(case, Kind.LEGALAID_APPLICATION)
    boxes = re.findall(r'<span class="box">(.*?)</span>', html)
    assert "✓" in boxes and "\u00a0" in boxes
    assert all(len(b) == 1 for b in boxes), boxes  # one character each: same line box


def test_the_receipt_keeps_its_internal_header_and_the_filed_forms_do_not(world):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    for kind in rules.RULES:
        html = documents.render_html(case, kind)
        assert ('class="caseno"' in html) is (not rules.RULES[kind].filed), kind


# --- particulars: validation, the lawyer's page, the audit ------------------------------


@pytest.mark.parametrize(
    "code",
    ["91110108551385082Q", "91110000600037341L", "N2110000MA00000014", "81110000MA0000001M"],
)
def test_valid_credit_codes_pass_including_those_starting_with_a_letter(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110108551385082", "18 位"),
        ("91110108551385082R", "校验位"),
        ("9111010855138508IQ", "格式"),  # I is not in the alphabet
        ("91A10108551385082Q", "格式"),  # 3–8 are a region code
    ],
)
def test_invalid_credit_codes_say_why(code, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        validate_credit_code(code)


def test_the_check_character_matches_python_stdnums_weights():
    # 3^(i-1) mod 31 weights: the published example.
    assert uscc_check_char("91110108551385082") == "Q"


def test_the_lawyer_completes_the_particulars_and_the_log_names_the_fields(world, client):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    party = case.parties.get()
    lawyer = world.kunming.lawyer.user
    login(client, lawyer)
    url = reverse("cases:particulars", args=[case.number])
    assert client.get(url).status_code == 200
    data = {
        "worker-occupation": "快递员",
        "worker-domicile": WORKER["domicile"],
        "worker-mailing_address": WORKER["mailing_address"],
        "worker-postcode": "650051",
        "worker-ethnicity": "彝族",
        "worker-birth_date": "",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "1",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "12",
        "parties-0-id": str(party.pk),
        "parties-0-kind": Party.Kind.OUTSOURCER,
        "parties-0-name": party.name,
        "parties-0-credit_code": "91530103MA6K00030E",
        "parties-0-representative": "新代表",
        "parties-1-kind": Party.Kind.AGENCY,
        "parties-1-name": "云南众合劳务派遣有限公司",
        "p-injury_applicant": "self",
        "p-commission_basis": "performance",
        "p-court_basis": "accident",
        "p-poa_authority": "general",
        "p-assignment_number": "新指派号",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.worker.occupation == "快递员"
    assert case.parties.count() == 2
    assert case.parties.get(pk=party.pk).representative == "新代表"
    assert case.particulars.assignment_number == "新指派号"
    event = case.events.filter(kind=CaseEvent.Kind.PARTICULARS).get()
    assert event.actor == lawyer
    assert "assignment_number" in event.data["fields"]
    assert event.data["parties"] == {"added": 1, "changed": 1, "removed": 0}
    assert "新指派号" not in str(event.data)  # the log names fields, not values
    assert case.events.filter(kind=CaseEvent.Kind.WORKER, data__source="case").exists()


def test_bad_particulars_come_back_at_the_field_with_everything_kept(world, client):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    party = case.parties.get()
    login(client, world.kunming.lawyer.user)
    url = reverse("cases:particulars", args=[case.number])
    data = {
        "worker-occupation": "保留我",
        "worker-postcode": "12345",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "1",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "12",
        "parties-0-id": str(party.pk),
        "parties-0-kind": Party.Kind.EMPLOYER,
        "parties-0-name": party.name,
        "parties-0-credit_code": "91530103MA6K00030X",
        "p-injury_applicant": "relative",
        "p-commission_basis": "performance",
        "p-court_basis": "accident",
        "p-poa_authority": "special",
        "p-diagnosed_on": "2099-01-01",
        "p-accident_time": "25:99",
        "p-witnesses": "保留证人",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    for message in [
        "邮政编码应为 6 位数字",
        "统一社会信用代码校验位不正确",
        "请填写申请人的姓名或名称",
        "特别授权须逐项列明授权事项",
        "诊断时间不能晚于今天",
        "请输入时刻",
    ]:
        assert message in page, message
    assert "保留我" in page and "保留证人" in page
    case.refresh_from_db()
    assert case.worker.occupation == WORKER["occupation"]
    assert not case.events.filter(kind=CaseEvent.Kind.PARTICULARS).exists()


def test_only_the_legal_side_in_scope_reaches_the_particulars_page(world, client):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    url = reverse("cases:particulars", args=[case.number])
    for outsider in (world.kunming.volunteer, world.beijing.coordinator, world.beijing.lawyer.user):
        client.logout()
        login(client, outsider)
        assert client.get(url).status_code == 404
    client.logout()
    login(client, world.kunming.coordinator)
    assert client.get(url).status_code == 200


def test_intake_refuses_a_bad_credit_code_at_the_field_and_keeps_the_party(world, client):
    login(client, world.kunming.volunteer)
    response = client.post(
        reverse("cases:intake"),
        {
            "station": world.kunming.station.pk,
            "name": "王五",
            "phone": "13800138000",
            "platform": "meituan",
            "arrangement": "contract",
            "claims": ["wage"],
            "facts": "欠薪",
            "consent": "on",
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "8",
            "parties-0-kind": "outsourcer",
            "parties-0-name": "某外包公司",
            "parties-0-credit_code": "91530103MA6K0003",
            "parties-0-representative": "保留负责人",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "统一社会信用代码应为 18 位" in page and "保留负责人" in page


def test_the_demo_carries_the_new_particulars(db):
    from django.core.management import call_command

    call_command("seed_demo")
    luo = Case.objects.get(worker__name="罗建")
    assert luo.particulars.injury_decision == Particulars.Decision.NOT_RECOGNISED
    assert luo.documents.filter(kind=Kind.RECONSIDERATION_APPLICATION).exists()
    assert not luo.documents.filter(kind=Kind.INJURY_APPLICATION).exists()
    employer = luo.parties.get()
    assert employer.representative and employer.credit_code and employer.address
    assert luo.worker.domicile and luo.worker.occupation
    assert ArbitrationCommission.covering("530103").name == "昆明市盘龙区劳动人事争议仲裁委员会"
    ma = Case.objects.get(worker__name="马建军")
    assert not ma.documents.filter(kind=Kind.ARBITRATION_APPLICATION).exists()
    assert ma.documents.filter(kind=Kind.CIVIL_COMPLAINT).exists()


def test_every_kind_has_a_template_that_renders_for_a_full_case(world):
    case = full_case(world, claims=[WAGE], parties=[EMPLOYER])
    for kind in Document.Kind.values:
        assert fill.build_context(case, kind)["title"]
        assert documents.render_html(case, kind)
