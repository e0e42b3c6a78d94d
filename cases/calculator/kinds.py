"""The table of compensation kinds: one home for each kind's parameters and arithmetic.

The arithmetic lives by subject: injury.py, labor.py, traffic.py; the building blocks
(Item, Result, Kind, the number formats) in core.py. Everything they define that
callers used from this module is re-exported here.

How the citations were verified
-------------------------------
工伤保险条例 (2010), 劳动合同法 (2012), 劳动合同法实施条例 and 民法典 1179 against the
texts in ../shared/law/. The 最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释
(2022修正) is not there: its article numbers (误工费 7, 护理费 8, 住院伙食补助费 10,
营养费 11, 残疾赔偿金 12) were checked against public copies of the article texts found
with the project's search tool; those copies also show the 2003 numbering (20, 21, 23,
24, 25) that older material still cites. That the 2022 decision made 残疾赔偿金 use the
urban income only was checked against a summary of the decision (《法人》2022 年第 5 期).
民法典 1259 (以上 includes the number itself, so 60 周岁 already counts as "六十周岁以上")
was checked the same way. The 伤残赔偿指数 (grade 1: 100 %, down 10 % a grade) is not in
art. 12 itself, which says "根据受害人丧失劳动能力程度或者伤残等级"; it is the index
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.calculator.core import Item, Kind, Result
from cases.calculator.injury import SUBSIDY_BASES, injury_death, injury_disability
from cases.calculator.labor import (
    Service,
    labor_double_wage,
    labor_severance,
    labor_unlawful_termination,
    labor_unpaid_wages,
    service_length,
    severance_basis,
)
from cases.calculator.params import CHOICE, DATE, DECIMAL, INT, MONEY, Param
from cases.calculator.traffic import TRAFFIC_EXPENSES, compensation_years, traffic_disability

__all__ = [
    "KINDS",
    "Item",
    "Kind",
    "Result",
    "Service",
    "compensation_years",
    "service_length",
    "severance_basis",
]

# ---------------------------------------------------------------------------
# The table of kinds: one home for each kind's parameters


def _money(name, label, help="", required=True, positive=False) -> Param:
    return Param(name, label, MONEY, required=required, help=help, positive=positive)


GRADE = Param(
    "grade", _("伤残等级"), INT, help=_("1 至 10 级，一级最重"), min_value=1, max_value=10
)
INJURY_WAGE = _money(
    "wage",
    _("本人工资"),
    _("每月金额：受伤前 12 个月平均月缴费工资（《工伤保险条例》第六十四条第二款）"),
)
INJURY_AVG_WAGE = _money(
    "avg_wage",
    _("统筹地区上年度职工月平均工资"),
    _("填写后，本人工资按其 60%–300% 封顶保底（第六十四条第二款）"),
    required=False,
    positive=True,
)
MIN_WAGE = _money("min_wage", _("当地月最低工资标准"), _("用于伤残津贴补差"), required=False)
SEVERANCE_PARAMS = (
    Param("start", _("入职日期"), DATE, help=_("用工之日，YYYY-MM-DD")),
    Param(
        "end", _("最后工作日"), DATE, help=_("劳动合同解除或者终止前的最后一个工作日，YYYY-MM-DD")
    ),
    _money(
        "wage",
        _("月工资"),
        _("解除或者终止前十二个月的平均工资；工作不满十二个月的，按实际工作月数平均"),
    ),
    _money(
        "avg_wage",
        _("本地区上年度职工月平均工资"),
        _("直辖市、设区的市级人民政府公布；月工资高于其三倍时封顶并限十二年"),
        required=False,
        positive=True,
    ),
    _money(
        "min_wage",
        _("当地月最低工资标准"),
        _("平均工资低于当地最低工资标准的，按最低工资标准计算（实施条例第二十七条）"),
        required=False,
    ),
)

KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind(
            "injury.disability",
            _("工伤伤残待遇"),
            (
                GRADE,
                INJURY_WAGE,
                INJURY_AVG_WAGE,
                MIN_WAGE,
                Param(
                    "medical_months",
                    _("一次性工伤医疗补助金月数"),
                    DECIMAL,
                    required=False,
                    help=_("五至十级：本省规定的该等级月数；不填则只提示需省级标准"),
                    min_value=Decimal(0),
                    max_value=Decimal(120),
                ),
                Param(
                    "employment_months",
                    _("一次性伤残就业补助金月数"),
                    DECIMAL,
                    required=False,
                    help=_("五至十级：本省规定的该等级月数；不填则只提示需省级标准"),
                    min_value=Decimal(0),
                    max_value=Decimal(120),
                ),
                Param(
                    "subsidy_base",
                    _("补助金的计算基数"),
                    CHOICE,
                    required=False,
                    help=_("本省标准以哪种工资为基数"),
                    choices=SUBSIDY_BASES,
                    default="wage",
                ),
            ),
            injury_disability,
            _("《工伤保险条例》第三十五条至第三十七条、第六十四条"),
        ),
        Kind(
            "injury.death",
            _("工亡待遇"),
            (
                _money(
                    "wage",
                    _("本人工资"),
                    _("每月金额，选填；填写后列出供养亲属抚恤金的每月标准"),
                    required=False,
                ),
                _money(
                    "avg_wage",
                    _("统筹地区上年度职工月平均工资"),
                    _("丧葬补助金的基数"),
                    positive=True,
                ),
                _money(
                    "income",
                    _("上一年度全国城镇居民人均可支配收入"),
                    _("全年金额；一次性工亡补助金的基数"),
                    positive=True,
                ),
            ),
            injury_death,
            _("《工伤保险条例》第三十九条"),
        ),
        Kind(
            "labor.severance",
            _("经济补偿"),
            SEVERANCE_PARAMS,
            labor_severance,
            _("《劳动合同法》第四十七条"),
        ),
        Kind(
            "labor.unlawful_termination",
            _("违法解除或者终止劳动合同的赔偿金"),
            SEVERANCE_PARAMS,
            labor_unlawful_termination,
            _("《劳动合同法》第八十七条"),
        ),
        Kind(
            "labor.double_wage",
            _("未订立书面劳动合同的二倍工资"),
            (
                Param("start", _("用工之日"), DATE, help=_("开始用工的日期，YYYY-MM-DD")),
                _money("wage", _("月工资"), _("应得的月工资")),
                Param(
                    "signed",
                    _("补订书面劳动合同的日期"),
                    DATE,
                    required=False,
                    help=_("从未订立的不填"),
                ),
                Param(
                    "end",
                    _("用工结束之日"),
                    DATE,
                    required=False,
                    help=_("从未订立书面劳动合同时必填：最后一个工作日"),
                ),
            ),
            labor_double_wage,
            _("《劳动合同法》第八十二条；《劳动合同法实施条例》第六条、第七条"),
        ),
        Kind(
            "labor.unpaid_wages",
            _("拖欠劳动报酬"),
            (
                _money("amount", _("拖欠的劳动报酬"), _("应付未付的工资总额")),
                Param(
                    "months",
                    _("拖欠月数"),
                    INT,
                    required=False,
                    help=_("仅用于说明"),
                    min_value=1,
                    max_value=600,
                ),
                Param(
                    "surcharge_rate",
                    _("加付赔偿金比例"),
                    DECIMAL,
                    required=False,
                    help=_("0.5 至 1.0；劳动行政部门责令限期支付而逾期不付时适用"),
                    min_value=Decimal("0.5"),
                    max_value=Decimal("1.0"),
                ),
            ),
            labor_unpaid_wages,
            _("《劳动合同法》第三十条、第八十五条"),
        ),
        Kind(
            "traffic.disability",
            _("交通事故伤残赔偿"),
            (
                _money(
                    "income",
                    _("受诉法院所在地上一年度城镇居民人均可支配收入"),
                    _("全年金额；赔偿权利人证明其住所地或者经常居住地标准更高的，可按该标准"),
                    positive=True,
                ),
                GRADE,
                Param(
                    "age",
                    _("定残时的周岁年龄"),
                    INT,
                    min_value=0,
                    max_value=150,
                ),
                *(
                    _money(code, label, rule, required=False)
                    for code, label, _citation, rule in TRAFFIC_EXPENSES
                ),
            ),
            traffic_disability,
            _("《民法典》第一千一百七十九条；人身损害赔偿解释（2022修正）第七条至第十二条"),
        ),
    ]
}
