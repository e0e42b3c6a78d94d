"""The demo world that `make run` loads (`manage.py seed_demo`). Idempotent: a second
run changes nothing; `--reset` deletes the demo cases and builds them again.

Demo passwords exist only here and only for the demo accounts."""

import datetime
import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_q.conf import Conf
from django_q.conf import logger as q_logger
from phonenumber_field.phonenumber import to_python

from cases import events, evidence
from cases.claims import exempt_42_3
from cases.deadlines import bookkeeping, reminders
from cases.documents.generate import DocumentError, generate
from cases.intake import create_case
from cases.management.demo_history import seed_history
from cases.models import (
    ArbitrationCommission,
    Case,
    CaseEvent,
    ConsentText,
    Deadline,
    Document,
    LocalField,
    Notification,
    Particulars,
    RegionalFigure,
    SmsMessage,
)
from cases.statistics import rollup
from cases.workflow import apply_transition
from lawyers.models import ClaimType, Lawyer, ServiceRegion
from stations.models import Membership, Service, Station, Union

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo12345"

CONSENT_V1 = """个人信息处理告知同意书（v1.0）
为向您提供法律援助服务，工会驿站及其委托的志愿律师需要处理您的姓名、手机号、身份证号、
工作情况及与纠纷有关的材料，其中身份证号、伤情、收入等属于敏感个人信息。
我们仅为办理您的求助使用这些信息，只向承办律师及必要的法律援助机构、仲裁机构、法院提供，
案件归档后按规定期限保存并删除。您可以随时查询、更正或要求删除您的信息，也可以撤回同意，
撤回不影响撤回前已进行的处理。依据：《中华人民共和国个人信息保护法》第十三条、第十七条、第二十九条。"""

UNIONS = [
    # name, region code, parent name, phone
    ("北京市总工会", "110000", None, "010-12351"),
    ("北京市朝阳区总工会", "110105", "北京市总工会", "010-65099123"),
    ("云南省总工会", "530000", None, "0871-12351"),
    ("昆明市总工会", "530100", "云南省总工会", "0871-63135012"),
    ("昆明市盘龙区总工会", "530103", "昆明市总工会", "0871-65613012"),
]

STATIONS = [
    # code, name, region, union, address, phone, hours, 24h, (lng, lat) in GCJ-02
    (
        "BJ-110105-001",
        "望京骑迹工会驿站",
        "110105",
        "北京市朝阳区总工会",
        "北京市朝阳区望京街道阜通东大街6号",
        "010-64701234",
        "08:00-22:00",
        False,
        (116.4807, 39.9965),
    ),
    (
        "BJ-110105-002",
        "三里屯快递小哥之家",
        "110105",
        "北京市朝阳区总工会",
        "北京市朝阳区三里屯路19号",
        "010-64165678",
        "",
        True,
        (116.4551, 39.9371),
    ),
    (
        "KM-530103-001",
        "盘龙区北京路新就业形态劳动者驿站",
        "530103",
        "昆明市盘龙区总工会",
        "云南省昆明市盘龙区北京路1079号",
        "0871-65012345",
        "09:00-21:00",
        False,
        (102.7196, 25.0531),
    ),
    (
        "KM-530103-002",
        "茨坝街道骑手温馨驿站",
        "530103",
        "昆明市盘龙区总工会",
        "云南省昆明市盘龙区茨坝街道龙泉路868号",
        "0871-65106789",
        "",
        True,
        (102.7531, 25.1357),
    ),
]

STAFF = [
    # username, full name, role, place name
    ("volunteer", "刘芳", Membership.Role.VOLUNTEER, "望京骑迹工会驿站"),
    ("coordinator", "周建国", Membership.Role.COORDINATOR, "北京市朝阳区总工会"),
    ("volunteer2", "杨丽", Membership.Role.VOLUNTEER, "盘龙区北京路新就业形态劳动者驿站"),
    ("coordinator2", "段志强", Membership.Role.COORDINATOR, "昆明市盘龙区总工会"),
]

LAWYERS = [
    # username, name, license, firm, phone, specialties, regions, capacity
    (
        "lawyer",
        "张明",
        "11101201810234567",
        "北京市京师律师事务所",
        "13901012345",
        [ClaimType.INJURY, ClaimType.OCCUPATIONAL, ClaimType.TORT],
        ["1101"],
        8,
    ),
    (
        "lawyer2",
        "李娜",
        "15301201910345678",
        "云南八谦律师事务所",
        "13908712345",
        [ClaimType.WAGE, ClaimType.LABOR, ClaimType.INJURY],
        ["530103"],
        6,
    ),
    (
        "lawyer3",
        "王强",
        "11101201510456789",
        "北京市盈科律师事务所",
        "13801023456",
        [ClaimType.WAGE, ClaimType.LABOR],
        ["110105"],
        5,
    ),
    (
        "lawyer4",
        "赵敏",
        "15301201710567890",
        "云南天外天律师事务所",
        "13987123456",
        [ClaimType.INJURY, ClaimType.OCCUPATIONAL, ClaimType.TORT],
        ["53"],
        10,
    ),
    (
        "lawyer5",
        "陈思远",
        "11101202010678901",
        "北京市中伦文德律师事务所",
        "13601034567",
        [ClaimType.TORT, ClaimType.INJURY, ClaimType.WAGE],
        ["11"],
        4,
    ),
]


def _user(username, full_name, *, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": full_name, "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_structure() -> None:
    ConsentText.objects.get_or_create(version="1.0", defaults={"text": CONSENT_V1, "active": True})
    _user("admin", "系统管理员", superuser=True)
    unions = {}
    for name, code, parent, phone in UNIONS:
        unions[name], _created = Union.objects.get_or_create(
            name=name, defaults={"region_code": code, "parent": unions.get(parent), "phone": phone}
        )
    stations = {}
    for code, name, region, union, address, phone, hours, open_24h, (lng, lat) in STATIONS:
        stations[name], _created = Station.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "region_code": region,
                "union": unions[union],
                "address": address,
                "phone": phone,
                "opening_hours": hours,
                "open_24h": open_24h,
                "services": [Service.REST, Service.WATER, Service.CHARGING, Service.LEGAL],
            },
        )
        # Demo stations seeded before they had positions get them now (the finder).
        Station.objects.filter(code=code, lat__isnull=True).update(
            lng=lng, lat=lat, position_updated_at=timezone.now()
        )
    for username, full_name, role, place in STAFF:
        user = _user(username, full_name)
        place_field = {"station": stations.get(place), "union": unions.get(place)}
        Membership.objects.get_or_create(user=user, role=role, **place_field)
    # The national federation's analyst: statistics for the whole country, no case.
    analyst = _user("analyst", "孙立新")
    Membership.objects.get_or_create(user=analyst, role=Membership.Role.ANALYST, scope="")
    for username, name, license_no, firm, phone, specialties, regions, capacity in LAWYERS:
        user = _user(username, name)
        lawyer, _created = Lawyer.objects.get_or_create(
            user=user,
            defaults={
                "name": name,
                "license_number": license_no,
                "firm": firm,
                "phone": phone,
                "specialties": specialties,
                "capacity": capacity,
                "email": f"{username}@example.org",
            },
        )
        for prefix in regions:
            ServiceRegion.objects.get_or_create(lawyer=lawyer, prefix=prefix)
    for prefix, name in COMMISSIONS:
        ArbitrationCommission.objects.get_or_create(
            region_prefix=prefix, name=name, defaults={"source": COMMISSION_SOURCE}
        )
    for prefix, year, figure, value in FIGURES:
        RegionalFigure.objects.get_or_create(
            region_prefix=prefix,
            year=year,
            figure=figure,
            defaults={"value": Decimal(value), "source": RegionalFigure.DEMO_SOURCE},
        )
    for prefix, kind, key, label, help_text in LOCAL_FIELDS:
        LocalField.objects.get_or_create(
            region_prefix=prefix,
            document_kind=kind,
            key=key,
            defaults={"label": label, "help_text": help_text, "source": LOCAL_FIELD_SOURCE},
        )


# The commissions of the two demo districts, under the names they publish; an admin
# checks and completes the table for every region served.
COMMISSIONS = [
    ("110105", "北京市朝阳区劳动人事争议仲裁委员会"),
    ("530103", "昆明市盘龙区劳动人事争议仲裁委员会"),
]
COMMISSION_SOURCE = "示例数据，请核对当地人力资源和社会保障部门公布的名称"

# Figures the calculator prefills. None of these was checked against the bulletin that
# publishes it, so every row says so (RegionalFigure.DEMO_SOURCE); an admin replaces
# them with the published figures and their bulletins.
FIGURES = [
    # region prefix ("" national), year, figure, value
    ("1101", 2025, "avg_wage", "13000.00"),
    ("11", 2025, "min_wage", "2540.00"),
    ("11", 2025, "urban_income", "92000.00"),
    ("5301", 2025, "avg_wage", "8600.00"),
    ("53", 2025, "min_wage", "2070.00"),
    ("53", 2025, "urban_income", "47000.00"),
    ("", 2025, "urban_income", "54000.00"),
]

# A local field of the 职业伤害确认 form (the pilot's handling rules are provincial).
LOCAL_FIELDS = [
    ("11", "occupational_application", "order_number", "事发订单编号", "平台订单号"),
]
LOCAL_FIELD_SOURCE = "示例字段，请按当地职业伤害保障经办规程调整"


# --- demo cases (case lifecycle) ----------------------------------------------------

DEMO_CASES = [
    # station code, volunteer, worker, case fields, parties, the path it has taken
    {
        "station": "BJ-110105-001",
        "volunteer": "volunteer",
        "worker": {
            "name": "马建军",
            "phone": "+8613811112201",
            "platform": "meituan",
            "arrangement": "crowd",
            "id_number": "11010519900307123X",
            "ethnicity": "汉族",
            "occupation": "外卖配送员（众包）",
            "domicile": "河北省保定市莲池区东风中路 88 号",
            "mailing_address": "北京市朝阳区望京西园三区 312 楼 2 单元 501",
            "postcode": "100102",
        },
        "case": {
            "claims": ["occupational", "tort"],
            "incident_date": -27,
            "facts": "10 月 31 日晚 19 时许送外卖途中，在阜通东大街与一辆右转的出租车相撞，"
            "右脚跖骨骨折，住院 9 天。交警已出具事故认定书，出租车司机负主要责任。"
            "平台称其为众包骑手，不属于劳动关系。",
            "amount_claimed": "68000",
            "evidence": ["medical_records", "accident_proof", "order_records"],
        },
        "parties": [
            {
                "kind": "platform",
                "name": "北京三快在线科技有限公司",
                "credit_code": "91110108551385082Q",
                "address": "北京市海淀区北四环西路 9 号 2106-030",
                "representative": "王兴",
                "representative_title": "经理",
            },
            {
                "kind": "other_driver",
                "name": "刘某",
                "sex": "男",
                "address": "北京市朝阳区酒仙桥路 12 号院",
                "phone": "13911112299",
                "contact": "京B·T6K21",
            },
            {
                "kind": "insurer",
                "name": "中国人民财产保险股份有限公司北京市分公司",
                "address": "北京市西城区西长安街 88 号",
                "representative": "（请核对营业执照）",
                "representative_title": "总经理",
            },
        ],
        "path": [("accept_for_aid", "coordinator"), ("assign", "lawyer"), ("accept", "lawyer")],
    },
    {
        "station": "BJ-110105-002",
        "volunteer": "coordinator",
        "worker": {
            "name": "赵海涛",
            "phone": "+8613811112202",
            "platform": "eleme",
            "arrangement": "crowd",
        },
        "case": {
            "claims": ["wage"],
            "incident_date": -12,
            "facts": "众包骑手，11 月中旬账号被平台以“异常订单”为由封禁，账户内 4 236 元"
            "配送费被冻结，客服只回复“系统判定”，至今不予结算。",
            "amount_claimed": "4236",
            "evidence": ["proof_of_work", "pay_records", "chat_records"],
        },
        "parties": [{"kind": "platform", "name": "上海拉扎斯信息科技有限公司"}],
        "path": [],
    },
    {
        "station": "BJ-110105-001",
        "volunteer": "volunteer",
        "worker": {
            "name": "孙丽",
            "phone": "+8613811112203",
            "platform": "jd",
            "arrangement": "contract",
        },
        "case": {
            "claims": ["consult"],
            "facts": "询问试用期被辞退是否可以要求补偿、公司未缴社保怎么办。",
        },
        "parties": [],
        "path": [
            (
                "resolve_at_intake",
                "volunteer",
                {
                    "advice": "已告知：试用期无故辞退可主张赔偿金；未缴社保可向社保经办机构投诉，"
                    "并可解除合同主张经济补偿。建议保存劳动合同和工资流水。"
                },
            )
        ],
    },
    {
        "station": "BJ-110105-001",
        "volunteer": "volunteer",
        "worker": {
            "name": "钱大勇",
            "phone": "+8613811112204",
            "platform": "zto",
            "arrangement": "agency",
        },
        "case": {
            "claims": ["wage"],
            "incident_date": -40,
            "facts": "快递分拣站与 26 名工人同批被拖欠 9 月工资，站点负责人已失联，"
            "工友已集体向劳动监察投诉。",
            "amount_claimed": "5200",
            "evidence": ["attendance", "chat_records"],
        },
        "parties": [{"kind": "employer", "name": "北京迅达捷运物流服务有限公司"}],
        "path": [
            (
                "refer",
                "coordinator",
                {
                    "to": "北京市朝阳区人力资源和社会保障局劳动保障监察大队",
                    "reason": "集体欠薪，已立案，由劳动监察统一处理更快。",
                },
            )
        ],
    },
    {
        "station": "BJ-110105-002",
        "volunteer": "coordinator",
        "worker": {
            "name": "周强",
            "phone": "+8613811112205",
            "platform": "sf",
            "arrangement": "agency",
        },
        "case": {
            "claims": ["wage"],
            "incident_date": -120,
            "facts": "经外包公司派驻顺丰网点，离职时公司扣发最后一个月工资及押金共 7 300 元。",
            "amount_claimed": "7300",
            "evidence": ["labor_contract", "pay_records", "chat_records"],
        },
        "parties": [{"kind": "agency", "name": "北京鑫源人力资源服务有限公司"}],
        "path": [
            ("accept_for_aid", "coordinator"),
            ("assign", "lawyer3"),
            ("accept", "lawyer3"),
            (
                "resolve",
                "lawyer3",
                {
                    "outcome": "settlement",
                    "amount_recovered": "7300",
                    "outcome_note": "劳动仲裁庭前调解，外包公司当场支付。",
                },
            ),
            ("close", "coordinator"),
        ],
    },
    {
        "station": "KM-530103-001",
        "volunteer": "volunteer2",
        "worker": {
            "name": "杨志华",
            "phone": "+8613911112206",
            "platform": "zto",
            "arrangement": "agency",
        },
        "case": {
            "claims": ["wage", "labor"],
            "incident_date": -30,
            "facts": "在韵达北京路网点派件，由昆明某劳务外包公司招用，8 月至 10 月三个月工资"
            "共 16 800 元未发，外包公司称网点未结款。未签书面劳动合同。",
            "amount_claimed": "16800",
            "evidence": ["proof_of_work", "attendance", "chat_records"],
        },
        "parties": [
            {"kind": "outsourcer", "name": "昆明速达劳务服务有限公司"},
            {"kind": "employer", "name": "昆明韵达快递服务有限公司盘龙分公司"},
        ],
        "path": [("accept_for_aid", "coordinator2")],
    },
    {
        "station": "KM-530103-001",
        "volunteer": "volunteer2",
        "worker": {
            "name": "李春燕",
            "phone": "+8613911112207",
            "platform": "meituan",
            "arrangement": "contract",
            "id_number": "530103199207210324",
            "occupation": "外卖配送员（专送）",
            "mailing_address": "云南省昆明市盘龙区穿金路 66 号 1 栋 602 室",
            "postcode": "650224",
        },
        "case": {
            "claims": ["injury"],
            "incident_date": -60,
            "facts": "专送骑手，配送途中在北京路路口避让行人摔倒，左手腕骨折。站点称已买意外险，"
            "不愿申报工伤。",
            "amount_claimed": "30000",
            "evidence": ["medical_records", "order_records", "labor_contract"],
        },
        "parties": [
            {
                "kind": "employer",
                "name": "昆明畅达配送服务有限公司",
                "credit_code": "91530103MA6K00070J",
                "address": "云南省昆明市盘龙区北京路 925 号",
                "postcode": "650224",
                "phone": "0871-65889900",
                "representative": "李某",
                "representative_title": "执行董事兼总经理",
            }
        ],
        "path": [("accept_for_aid", "coordinator2"), ("assign", "lawyer4")],
    },
    {
        "station": "KM-530103-002",
        "volunteer": "coordinator2",
        "worker": {
            "name": "王德明",
            "phone": "+8613911112208",
            "platform": "didi",
            "arrangement": "crowd",
        },
        "case": {
            "claims": ["tort"],
            "incident_date": -15,
            "facts": "网约车司机，载客途中被追尾，车辆维修期间无法接单，对方保险公司只赔维修费。",
            "amount_claimed": "9000",
            "evidence": ["accident_proof", "order_records"],
        },
        "parties": [{"kind": "insurer", "name": "某保险公司昆明中心支公司"}],
        "path": [
            (
                "withdraw",
                "coordinator2",
                {"reason": "劳动者来电：已与保险公司达成和解，要求撤回。"},
            )
        ],
    },
    {
        "station": "KM-530103-001",
        "volunteer": "volunteer2",
        "worker": {
            "name": "段小龙",
            "phone": "+8613911112209",
            "platform": "eleme",
            "arrangement": "agency",
            "id_number": "530102199503120618",
            "ethnicity": "彝族",
            "occupation": "外卖配送员",
            "domicile": "云南省楚雄彝族自治州楚雄市鹿城镇阳光路 6 号",
            "mailing_address": "云南省昆明市盘龙区北京路 1188 号 3 栋 402 室",
            "postcode": "650051",
        },
        "case": {
            "claims": ["wage"],
            "incident_date": -90,
            "facts": "站点以“未满一个月”为由不发离职当月工资 3 100 元。",
            "amount_claimed": "3100",
            "evidence": ["pay_records", "chat_records"],
        },
        "parties": [
            {
                "kind": "outsourcer",
                "name": "云南驰骋人力资源有限公司",
                "credit_code": "91530103MA6K00030E",
                "address": "云南省昆明市盘龙区白塔路 316 号",
                "mailing_address": "云南省昆明市盘龙区白塔路 316 号 5 楼",
                "postcode": "650011",
                "phone": "0871-63301122",
                "representative": "陈某",
                "representative_title": "执行董事",
            }
        ],
        "path": [
            ("accept_for_aid", "coordinator2"),
            ("assign", "lawyer2"),
            ("accept", "lawyer2"),
            (
                "resolve",
                "lawyer2",
                {
                    "outcome": "paid",
                    "amount_recovered": "3100",
                    "outcome_note": "律师发函后外包公司全额支付。",
                },
            ),
        ],
    },
    {
        "station": "KM-530103-002",
        "volunteer": "coordinator2",
        "worker": {
            "name": "普文才",
            "phone": "+8613911112210",
            "platform": "huolala",
            "arrangement": "crowd",
        },
        "case": {
            "claims": ["consult"],
            "facts": "咨询货拉拉司机能否参加职业伤害保障。",
        },
        "parties": [],
        "path": [],
    },
]

# Six more so that each region has a case in every state (a coordinator who logs in
# sees their own region lived-in, not half of it).
DEMO_CASES += [
    {
        "station": "BJ-110105-002",
        "volunteer": "coordinator",
        "worker": {
            "name": "黄志刚",
            "phone": "+8613811112211",
            "platform": "meituan",
            "arrangement": "crowd",
        },
        "case": {
            "claims": ["wage"],
            "incident_date": -35,
            "facts": "众包骑手，站点以“差评罚款”为由连续两个月扣发配送费共 2 860 元，"
            "罚款规则从未公示。",
            "amount_claimed": "2860",
            "evidence": ["pay_records", "chat_records", "order_records"],
        },
        "parties": [{"kind": "agency", "name": "北京速派人力资源有限公司"}],
        "path": [("accept_for_aid", "coordinator")],
    },
    {
        "station": "BJ-110105-001",
        "volunteer": "volunteer",
        "worker": {
            "name": "吴磊",
            "phone": "+8613811112212",
            "platform": "sf",
            "arrangement": "contract",
        },
        "case": {
            "claims": ["injury"],
            "incident_date": -10,
            "facts": "顺丰收派员，派件途中在小区地库被倒车的私家车撞伤左膝，半月板撕裂。"
            "网点让其先休息，未提申报工伤的事。",
            "amount_claimed": "40000",
            "evidence": ["medical_records", "labor_contract"],
        },
        "parties": [{"kind": "employer", "name": "北京顺丰速运有限公司朝阳分公司"}],
        # The first lawyer declines; the router offers it to the next one, who has not
        # answered yet: the assignment board and the coordinator's bell show both.
        "path": [
            ("accept_for_aid", "coordinator"),
            ("assign", "lawyer"),
            ("decline", "lawyer", {"reason": "下周起出差两周，无法及时办理。"}),
        ],
    },
    {
        "station": "BJ-110105-002",
        "volunteer": "coordinator",
        "worker": {
            "name": "郑伟",
            "phone": "+8613811112213",
            "platform": "didi",
            "arrangement": "crowd",
        },
        "case": {
            "claims": ["tort"],
            "incident_date": -20,
            "facts": "网约车司机，乘客下车时开门撞倒电动车，电动车车主要求司机赔偿。",
            "amount_claimed": "3500",
            "evidence": ["accident_proof", "order_records"],
        },
        "parties": [{"kind": "other_driver", "name": "电动车车主孙某"}],
        "path": [
            (
                "withdraw",
                "coordinator",
                {"reason": "劳动者来电：乘客已承担赔偿，不再需要援助。"},
            )
        ],
    },
    {
        "station": "KM-530103-002",
        "volunteer": "coordinator2",
        "worker": {
            "name": "罗建",
            "phone": "+8613911112211",
            "platform": "meituan",
            "arrangement": "contract",
            "id_number": "53010319880415003X",
            "ethnicity": "汉族",
            "occupation": "外卖配送员（专送）",
            "domicile": "云南省昆明市盘龙区龙泉路 188 号",
            "mailing_address": "云南省昆明市盘龙区龙泉路 188 号 2 栋 301 室",
            "postcode": "650051",
        },
        "case": {
            "claims": ["injury"],
            "incident_date": -150,
            "facts": "专送骑手，送餐途中在龙泉路被货车刮倒，右锁骨骨折。已申请工伤认定，"
            "人社局以“非工作时间”为由不予认定，但订单记录显示事发时正在配送。",
            "amount_claimed": "56000",
            "evidence": ["medical_records", "order_records", "labor_contract", "accident_proof"],
        },
        "parties": [
            {
                "kind": "employer",
                "name": "昆明迅达配送服务有限公司",
                "credit_code": "91530103MA6K00010C",
                "address": "云南省昆明市盘龙区茨坝街道金瓦路 27 号",
                "postcode": "650051",
                "phone": "0871-65123456",
                "representative": "杨某",
                "representative_title": "总经理",
            }
        ],
        # 赵敏 took it first and was then replaced: she keeps reading her own note.
        "path": [
            ("accept_for_aid", "coordinator2"),
            ("assign", "lawyer4"),
            ("accept", "lawyer4"),
            ("note", "lawyer4", {"text": "已与罗建电话沟通，订单截图显示事发时正在配送。"}),
            ("reassign", "lawyer2", {"reason": "赵敏律师开庭冲突，改由李娜律师承办。"}),
            ("accept", "lawyer2"),
        ],
    },
    {
        "station": "KM-530103-001",
        "volunteer": "volunteer2",
        "worker": {
            "name": "和丽",
            "phone": "+8613911112212",
            "platform": "eleme",
            "arrangement": "crowd",
        },
        "case": {
            "claims": ["labor"],
            "incident_date": -25,
            "facts": "被要求注册个体工商户后才能继续接单，询问是否合法、能否确认劳动关系。",
            "evidence": ["proof_of_work", "chat_records"],
        },
        "parties": [{"kind": "platform", "name": "上海拉扎斯信息科技有限公司"}],
        "path": [
            (
                "refer",
                "coordinator2",
                {
                    "to": "昆明市盘龙区劳动人事争议仲裁院",
                    "reason": "确认劳动关系须先经仲裁，已约定仲裁院立案窗口指导。",
                },
            )
        ],
    },
    {
        "station": "KM-530103-002",
        "volunteer": "coordinator2",
        "worker": {
            "name": "张燕",
            "phone": "+8613911112213",
            "platform": "sf",
            "arrangement": "agency",
        },
        "case": {
            "claims": ["wage"],
            "incident_date": -100,
            "facts": "经劳务公司派到快递分拨中心，离职后加班费 4 800 元一直未结。",
            "amount_claimed": "4800",
            "evidence": ["attendance", "pay_records"],
        },
        "parties": [{"kind": "agency", "name": "云南众合劳务派遣有限公司"}],
        "path": [
            ("accept_for_aid", "coordinator2"),
            ("assign", "lawyer2"),
            ("accept", "lawyer2"),
            (
                "resolve",
                "lawyer2",
                {
                    "outcome": "award",
                    "amount_recovered": "4800",
                    "outcome_note": "仲裁裁决支持全部加班费，劳务公司已履行。",
                },
            ),
            ("close", "coordinator2"),
        ],
    },
]

# What has happened since on the cases being worked (keyed by the worker's phone):
# milestones dated relative to today, so that each region shows deadlines that are
# near, overdue and met whatever the day `seed_demo` runs; deadlines already met
# (rule, reason); and documents already generated (kind, username).
LIVED_IN = {
    # 马建军, 北京, occupational injury: the appraisal came back 20 days ago and the
    # 15-day window to ask for a re-appraisal has passed (overdue, in red).
    "+8613811112201": {
        "milestones": [
            ("appraisal_applied", -75, "向北京市劳动能力鉴定委员会申请"),
            ("appraisal_concluded", -20, "鉴定结论：伤残十级"),
        ],
        "met": [
            ("sla.first_contact", "已电话联系劳动者，约定到驿站面谈。"),
            ("injury.appraisal_conclusion", "鉴定委员会已作出结论。"),
        ],
        "particulars": {
            "legalaid_centre": "北京市朝阳区法律援助中心",
            "assignment_number": "京朝援指〔2026〕0412号",
            "accident_time": datetime.time(19, 10),
            "accident_place": "北京市朝阳区阜通东大街与望京街交叉口",
            "accident_cause": "送餐途中与右转出租车相撞（交警认定出租车司机负主要责任）",
            "injured_parts": "右足（跖骨骨折）",
            "diagnosed_on": -27,
            "work_started_on": -400,
            "occupational_agency": "北京市朝阳区社会保险事业管理中心",
            "court": "北京市朝阳区人民法院",
            "court_basis": "accident",
            "poa_authority": "special",
            "poa_items": ["settle", "court_claims", "court_mediation", "court_sign"],
            "local_values": {"order_number": "M20261031190212"},
        },
        "documents": [
            ("power_of_attorney", "lawyer"),
            ("occupational_application", "lawyer"),
            ("civil_complaint", "lawyer"),
        ],
    },
    # 罗建, 昆明, work injury: the decision came 57 days ago, so the 60-day
    # reconsideration window ends in about three days (near, in amber).
    "+8613911112211": {
        "milestones": [
            ("injury_filed", -130, "向盘龙区人社局提交工伤认定申请"),
            ("injury_accepted", -120, ""),
            ("injury_decided", -57, "不予认定工伤决定书，邮寄送达"),
        ],
        "met": [
            ("injury.decision", "人社局已在期限内作出决定。"),
            ("sla.first_contact", "已在驿站面谈，收集订单记录。"),
        ],
        "particulars": {
            "legalaid_centre": "昆明市盘龙区法律援助中心",
            "accident_time": datetime.time(11, 40),
            "accident_place": "昆明市盘龙区龙泉路与北辰大道交叉口",
            "accident_cause": "送餐途中被货车刮倒",
            "injured_parts": "右锁骨（骨折）",
            "injury_decision": "not_recognised",
            "decision_body": "昆明市盘龙区人力资源和社会保障局",
            "decision_number": "盘人社工认〔2026〕第0137号",
            "decision_date": -60,
            "reconsideration_request": "撤销被申请人作出的盘人社工认〔2026〕第0137号《不予认定工伤决定书》，"
            "责令被申请人重新作出认定工伤的决定。",
            "reconsideration_reasons": "被申请人以“非工作时间”为由不予认定，但平台订单记录显示事发时"
            "申请人正在配送订单，属于在工作时间和工作场所内因工作原因受到事故伤害"
            "（《工伤保险条例》第十四条第（一）项）。",
        },
        "documents": [("reconsideration_application", "lawyer2")],
    },
    # 李春燕, 昆明, work injury not yet recognised: the application form is ready.
    "+8613911112207": {
        "particulars": {
            "accident_time": datetime.time(12, 25),
            "accident_place": "昆明市盘龙区北京路与东风东路交叉口",
            "accident_cause": "配送途中避让行人摔倒",
            "injured_parts": "左手腕（桡骨远端骨折）",
            "diagnosed_on": -60,
            "work_started_on": -500,
        },
        "documents": [("injury_application", "coordinator2")],
    },
    # 段小龙, 昆明, wage claim against the outsourcing company: the application was
    # drawn up before the company paid.
    "+8613911112209": {
        "particulars": {"assignment_number": "昆盘援指〔2026〕0088号"},
        "documents": [("arbitration_application", "lawyer2")],
    },
    # 黄志刚, 北京, accepted and waiting for a lawyer: the application form is ready.
    "+8613811112211": {"documents": [("legalaid_application", "coordinator")]},
    # 赵海涛, 北京, just registered: the receipt was printed.
    "+8613811112202": {"documents": [("receipt", "coordinator")]},
}

# Lawyers used by name in DEMO_CASES paths; the key is the demo username.
_DEMO_LAWYER_USERNAMES = {"lawyer", "lawyer2", "lawyer3", "lawyer4", "lawyer5"}


def _demo_stations():
    return Station.objects.filter(code__in=[s[0] for s in STATIONS])


def _coordinator_of(case, users):
    return users["coordinator" if case.region_code.startswith("11") else "coordinator2"]


def _run_path(case, path, users, lawyers):
    """Walk a demo case through the real write path: apply_transition for every step."""
    for step in path:
        name, who, kwargs = (*step, {})[:3]
        kwargs = dict(kwargs)
        if name == "note":
            events.record(case, CaseEvent.Kind.NOTE, actor=users[who], note=kwargs["text"])
            continue
        if name in ("assign", "reassign"):
            reason = kwargs.pop("reason", "")
            apply_transition(
                case, name, _coordinator_of(case, users), note=reason, lawyer=lawyers[who]
            )
            continue
        if "amount_recovered" in kwargs:
            kwargs["amount_recovered"] = Decimal(kwargs["amount_recovered"])
        if name == "close":
            generate(case, "closing_report", users[who])
        if name == "resolve":
            kwargs.setdefault("outcome_date", timezone.localdate())
        if name == "accept_for_aid":
            kwargs.setdefault(
                "eligibility",
                Case.Eligibility.EXEMPT_42_3
                if exempt_42_3(case.claim_list)
                else Case.Eligibility.HARDSHIP_MET,
            )
        apply_transition(case, name, users[who], note=kwargs.get("reason", ""), **kwargs)


def seed_cases(reset: bool = False) -> int:
    """Cases in every state in each demo region, lived in. Idempotent: once the demo
    cases exist this does nothing; `reset` deletes them (and what hangs on them) first.
    Returns how many cases it made."""
    stations = {s.code: s for s in _demo_stations()}
    if reset:
        _delete_demo_cases(stations.values())
    if Case.objects.filter(station__in=stations.values()).exists():
        return 0
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[s[0] for s in STAFF] + ["admin"] + list(_DEMO_LAWYER_USERNAMES)
        )
    }
    lawyers = {
        lawyer.user.username: lawyer
        for lawyer in Lawyer.objects.select_related("user").filter(
            user__username__in=_DEMO_LAWYER_USERNAMES
        )
    }
    consent = ConsentText.current()
    today = timezone.localdate()
    made = 0
    with _tasks_inline():
        for spec in DEMO_CASES:
            fields = dict(spec["case"])
            if "incident_date" in fields:
                fields["incident_date"] = today + datetime.timedelta(days=fields["incident_date"])
            if fields.get("amount_claimed"):
                fields["amount_claimed"] = Decimal(fields["amount_claimed"])
            fields["evidence"] = evidence.normalise(fields["claims"], fields.get("evidence", []))
            with transaction.atomic():
                case, _code = create_case(
                    station=stations[spec["station"]],
                    user=users[spec["volunteer"]],
                    worker=dict(spec["worker"]),
                    case=fields,
                    parties=spec["parties"],
                    consent=consent,
                )
                _run_path(case, spec["path"], users, lawyers)
            made += 1
        _live_in(stations.values(), users, today)
    made += seed_history(
        stations.values(),
        {"11": users["volunteer"], "53": users["volunteer2"]},
        {
            "11": [lawyers[u] for u in ("lawyer", "lawyer3", "lawyer5")],
            "53": [lawyers[u] for u in ("lawyer2", "lawyer4")],
        },
        consent,
        today,
    )
    # The history was written in bulk, past the write paths: count it.
    rollup.reconcile()
    return made


class _tasks_inline:
    """Run django-q2 tasks inline while seeding (the same code path the cluster runs),
    so the SMS outbox and the bell are filled the moment the demo opens, whether or
    not a worker is running yet. Q_CLUSTER is read once at import, hence Conf."""

    def __enter__(self):
        self.saved = Conf.SYNC, q_logger.level
        Conf.SYNC = True
        q_logger.setLevel(logging.WARNING)  # not two "processing" lines per demo SMS

    def __exit__(self, *exc):
        Conf.SYNC, level = self.saved
        q_logger.setLevel(level)


def _live_in(stations, users, today) -> None:
    """Milestones, met deadlines and documents on the demo cases (LIVED_IN), then one
    reminder sweep so the near and overdue deadlines have reached the lawyers' bells."""
    cases = {
        str(c.worker.phone): c
        for c in Case.objects.filter(station__in=stations).select_related("worker", "lawyer")
    }
    for phone, plan in LIVED_IN.items():
        case = cases[phone]
        actor = case.lawyer.user if case.lawyer else case.created_by
        for kind, offset, note in plan.get("milestones", []):
            bookkeeping.record_milestone(
                case, kind, today + datetime.timedelta(days=offset), actor, note=note
            )
        for rule, reason in plan.get("met", []):
            for deadline in Deadline.objects.filter(
                case=case, rule=rule, status=Deadline.Status.OPEN
            ):
                bookkeeping.close_deadline(
                    deadline, status=Deadline.Status.DONE, reason=reason, user=actor
                )
        particulars = dict(plan.get("particulars", {}))
        if particulars:
            for name, value in particulars.items():
                if isinstance(value, int):
                    particulars[name] = today + datetime.timedelta(days=value)
            Particulars.objects.update_or_create(case=case, defaults=particulars)
        for kind, username in plan.get("documents", []):
            try:
                generate(case, kind, users[username])
            except DocumentError as exc:
                # No Chinese font on this machine (make run installs it): the demo
                # still works, only without these PDFs.
                log.warning("demo document %s skipped: %s", kind, exc)
    reminders.sweep(today)


def _delete_demo_cases(stations) -> None:
    """--reset: the demo cases and what hangs on them, including their files, the SMS
    they sent and the demo users' notifications. Workers are kept (intake reuses them)."""
    cases = Case.objects.filter(station__in=stations)
    phones = {str(p) for p in cases.values_list("worker__phone", flat=True)}
    lawyer_phones = Lawyer.objects.filter(user__username__in=_DEMO_LAWYER_USERNAMES)
    for raw in lawyer_phones.values_list("phone", flat=True):
        number = to_python(str(raw), region="CN")
        if number and number.is_valid():
            phones.add(number.as_e164)
    for document in Document.objects.filter(case__in=cases):
        document.file.delete(save=False)
        if document.docx:
            document.docx.delete(save=False)
    cases.delete()
    SmsMessage.objects.filter(phone__in=phones).delete()
    demo_users = [s[0] for s in STAFF] + list(_DEMO_LAWYER_USERNAMES)
    Notification.objects.filter(user__username__in=demo_users).delete()


def seed(reset: bool = False) -> None:
    seed_structure()
    seed_cases(reset=reset)
