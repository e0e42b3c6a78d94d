"""The statutory deadline rules: one row per rule, with its period, its trigger, whom it
binds, its citation and its wording for the worker. The counting is in
`cases.deadlines.counting`.

Pure: no ORM (`cases.deadlines.bookkeeping` is the ORM side).

Every citation below was checked against the statute texts in ../shared/law/ (and,
where a text is not there, against the official text found; the comment on the rule
says which).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Units
DAYS = "days"
WORKDAYS = "workdays"
MONTHS = "months"
YEARS = "years"

# "30日" reads the same for any number in Chinese; English needs it to choose "day"/"days".
PERIOD_LABELS = {
    DAYS: ngettext_lazy("%(n)s日", "%(n)s日", "n"),
    WORKDAYS: ngettext_lazy("%(n)s个工作日", "%(n)s个工作日", "n"),
    MONTHS: ngettext_lazy("%(n)s个月", "%(n)s个月", "n"),
    YEARS: ngettext_lazy("%(n)s年", "%(n)s年", "n"),
}


def period_text(n: int, unit: str) -> str:
    return str(PERIOD_LABELS[unit] % {"n": n})


# Who a deadline binds; the values match cases.models.Deadline.Binds.
WORKER = "worker"  # our side must act: missing it can cost the claim
AGENCY = "agency"  # the other side or an authority must act: we wait and chase
LAWYER = "lawyer"  # internal service level of the volunteer lawyer
UNION = "union"  # the union's own duty (as the body that gives aid): ours, not the claim's

# Whose move it is: ours (the worker's side, the union, the lawyer) or theirs (an
# agency, a court, the employer). Every screen that tags a deadline reads it here.
OURS = frozenset({WORKER, UNION, LAWYER})


def is_ours(binds: str) -> bool:
    return binds in OURS


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    triggers: tuple[str, ...]  # Milestone.Kind values (or "transition:<name>" for SLAs)
    period: int
    unit: str
    binds: str
    citation: str
    extension: int = 0  # in the same unit; applied when the deadline is marked extended
    claims: frozenset = field(default_factory=frozenset)  # only for cases with one of these
    # (trigger, claims) pairs: that trigger starts the rule only for cases with one of
    # these claims. Triggers not listed start it for any case the rule applies to.
    trigger_claims: tuple[tuple[str, frozenset], ...] = ()
    limitation: bool = False  # supports suspension (pause) and, if interruptible, restart
    interruptible: bool = True
    # 民法典 194 II: after a suspension the period ends no earlier than this many months
    # after the obstacle is removed.
    resume_tail_months: int = 0
    note: str = ""
    # A platform-pilot policy limit, not a statute: configurable, and flagged on screen.
    pilot: bool = False
    # For a deadline the worker's side must meet: what they must do, in their words
    # ("申请工伤认定"), for the status page, the SMS and the receipt.
    worker_action: str = ""
    # A period that starts when another one ends (行政诉讼法 45: 15 days from the day
    # the 复议 period ends): the code of that rule, started by the same milestone. The
    # deadline's trigger date is then that rule's due date (see `compute_after`); asked
    # directly (`compute`, the `deadline` command) the trigger is that end date.
    after: str = ""
    # (pausing kind, resuming kind): milestones that suspend this period and resume it
    # (工伤保险条例 20(3)). The pause is read from the case's milestones, so correcting
    # one of their dates recomputes the deadline (see `pause_from`).
    paused_by: tuple[str, str] | tuple[()] = ()
    # Who must act when the rule is started by one of our own transitions rather than
    # by a milestone (法律援助法 43 I: when the union accepts aid it assigns the lawyer
    # itself; when a 法律援助机构 grants aid, that agency assigns). Empty: `binds`.
    binds_on_transition: str = ""

    def binds_for(self, milestone) -> str:
        """Who must act on a deadline started by `milestone` (None: a transition)."""
        if milestone is None and self.binds_on_transition:
            return self.binds_on_transition
        return self.binds

    @property
    def period_label(self) -> str:
        return period_text(self.period, self.unit)

    def started_by(self, trigger: str, claims: set) -> bool:
        if trigger not in self.triggers or (self.claims and not self.claims & claims):
            return False
        for name, only in self.trigger_claims:
            if name == trigger:
                return bool(only & claims)
        return True


def _rule(*args, **kwargs) -> Rule:
    return Rule(*args, **kwargs)


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        _rule(
            "injury.employer_application",
            _("用人单位申请工伤认定"),
            ("accident",),
            30,
            DAYS,
            AGENCY,
            _("《工伤保险条例》第十七条第一款"),
            claims=frozenset({"injury"}),
            note=_("单位逾期未申请的，劳动者本人、近亲属或工会可在一年内直接申请。"),
        ),
        _rule(
            "injury.worker_application",
            _("劳动者申请工伤认定"),
            ("accident",),
            1,
            YEARS,
            WORKER,
            _(
                "《工伤保险条例》第十七条第二款；《最高人民法院关于审理工伤保险行政案件若干问题的规定》第七条"
            ),
            claims=frozenset({"injury"}),
            # 工伤行政案件规定 7 excludes time lost for reasons not the worker's own (a
            # pause); nothing in it restarts the year, so it cannot be interrupted.
            limitation=True,
            interruptible=False,
            note=_("非因职工本人原因耽误的时间不计入申请期限（记为“中止”）。"),
            worker_action=_("申请工伤认定"),
        ),
        # 工伤认定办法 (人社部令第8号) art. 8(1): 15 days after receiving the application,
        # or all the material asked for, to decide whether to accept it. Not among the
        # texts in ../shared/law/: read on secondary reprints of the 2010 办法 (the law
        # notes, A4). The repealed 2003 办法 said "15个工作日" for the notice of missing
        # material; the 2010 text says 15日 and defines no working days, so calendar days.
        _rule(
            "injury.acceptance",
            _("人社部门决定是否受理工伤认定申请"),
            ("injury_filed", "injury_supplemented"),
            15,
            DAYS,
            AGENCY,
            _("《工伤认定办法》第八条第一款"),
            note=_(
                "材料不完整的，应一次性书面告知需补正的全部材料；收到全部补正材料后 15 日内"
                "决定是否受理（记录“补正工伤认定申请材料”节点后重新起算）。"
            ),
        ),
        # Art. 20(3): the time limit is suspended while the decision waits for the
        # conclusion of a judicial organ or another authority (for riders: the traffic
        # police's finding, an arbitration on the labour relation). Recorded as a pair
        # of milestones; the paused days are added to the end.
        _rule(
            "injury.decision",
            _("人社部门作出工伤认定决定"),
            ("injury_accepted",),
            60,
            DAYS,
            AGENCY,
            _("《工伤保险条例》第二十条第一款"),
            paused_by=("injury_decision_paused", "injury_decision_resumed"),
            note=_(
                "事实清楚、权利义务明确的，应在15日内作出（第二十条第二款）；需以司法机关或"
                "有关行政主管部门的结论为依据的，等待结论期间中止（第二十条第三款）。"
            ),
        ),
        # The variant of art. 20(2). Whether a case is "事实清楚、权利义务明确" is the
        # authority's call, so both clocks start; the lawyer waives this one when it
        # does not apply.
        _rule(
            "injury.decision_simple",
            _("人社部门作出工伤认定决定（事实清楚的）"),
            ("injury_accepted",),
            15,
            DAYS,
            AGENCY,
            _("《工伤保险条例》第二十条第二款"),
            paused_by=("injury_decision_paused", "injury_decision_resumed"),
            note=_(
                "仅适用于事实清楚、权利义务明确的工伤认定申请；不属于这种情形的，"
                "请将本期限标为“免除”，按 60 日的期限跟进。"
            ),
        ),
        _rule(
            "injury.appraisal_conclusion",
            _("作出劳动能力鉴定结论"),
            ("appraisal_applied",),
            60,
            DAYS,
            AGENCY,
            _("《工伤保险条例》第二十五条第二款"),
            extension=30,
        ),
        _rule(
            "injury.reappraisal_request",
            _("申请再次鉴定"),
            ("appraisal_concluded",),
            15,
            DAYS,
            WORKER,
            _("《工伤保险条例》第二十六条"),
            worker_action=_("申请再次鉴定"),
        ),
        # Art. 29 sends 再次鉴定 to the time limit of art. 25(2): 60 days from receiving
        # the application, extendable by 30.
        _rule(
            "injury.reappraisal_conclusion",
            _("作出再次鉴定结论"),
            ("reappraisal_applied",),
            60,
            DAYS,
            AGENCY,
            _("《工伤保险条例》第二十九条、第二十五条第二款"),
            extension=30,
        ),
        # 行政复议法 (2023 revision) 第二十条: 60 days from knowing of the act. Art. 88(2)
        # makes only its 3-, 5-, 7- and 10-day periods working days: 60 are calendar days.
        # The occupational-injury pilot's 确认结论 is an administrative act too (courts
        # hear it as a 行政确认 case); the pilot measures' own remedy clause could not
        # be read, so the general periods apply from it.
        _rule(
            "admin.reconsideration",
            _("申请行政复议"),
            ("injury_decided", "occupational_confirmed"),
            60,
            DAYS,
            WORKER,
            _("《行政复议法》第二十条第一款"),
            worker_action=_("申请行政复议"),
        ),
        _rule(
            "admin.lawsuit",
            _("提起行政诉讼"),
            ("injury_decided", "occupational_confirmed"),
            6,
            MONTHS,
            WORKER,
            _("《行政诉讼法》第四十六条第一款"),
            worker_action=_("提起行政诉讼"),
        ),
        _rule(
            "admin.lawsuit_after_reconsideration",
            _("复议后提起行政诉讼"),
            ("reconsideration_decided",),
            15,
            DAYS,
            WORKER,
            _("《行政诉讼法》第四十五条"),
            worker_action=_("提起行政诉讼"),
        ),
        # 行政复议法 art. 62(1): 60 days from accepting the application, extendable by at
        # most 30 with written notice. Calendar days: art. 88(2) covers 3/5/7/10 only.
        _rule(
            "admin.reconsideration_decision",
            _("行政复议机关作出复议决定"),
            ("reconsideration_accepted",),
            60,
            DAYS,
            AGENCY,
            _("《行政复议法》第六十二条第一款"),
            extension=30,
            note=_(
                "适用简易程序的，应在受理之日起 30 日内作出（第六十二条第二款）。"
                "逾期不作决定的，可在复议期满之日起 15 日内提起行政诉讼。"
            ),
        ),
        # 行政诉讼法 art. 45 (one paragraph), second sentence: "复议机关逾期不作决定的，
        # 申请人可以在复议期满之日起十五日内向人民法院提起诉讼". Day 0 is the last day of
        # the 复议 period, i.e. the due date of admin.reconsideration_decision (with its
        # extension when that one is extended).
        _rule(
            "admin.lawsuit_after_reconsideration_silence",
            _("复议机关逾期不作决定，提起行政诉讼"),
            ("reconsideration_accepted",),
            15,
            DAYS,
            WORKER,
            _("《行政诉讼法》第四十五条"),
            after="admin.reconsideration_decision",
            note=_("自复议期满之日起算；收到复议决定的，改为自收到复议决定书之日起 15 日。"),
            worker_action=_("提起行政诉讼"),
        ),
        # The 15 days are in the third paragraph of art. 14.
        _rule(
            "labor.mediation",
            _("调解组织调解期限"),
            ("mediation_applied",),
            15,
            DAYS,
            AGENCY,
            _("《劳动争议调解仲裁法》第十四条第三款"),
            note=_("期满未达成调解协议的，可以申请仲裁。"),
        ),
        _rule(
            "labor.arbitration_limitation",
            _("申请劳动仲裁（仲裁时效）"),
            ("knew_infringement", "employment_ended"),
            1,
            YEARS,
            WORKER,
            _("《劳动争议调解仲裁法》第二十七条第一款、第四款"),
            limitation=True,
            note=_("拖欠劳动报酬的，自劳动关系终止之日起一年内提出（第二十七条第四款）。"),
            # Art. 27(1): one year from knowing of the infringement, for disputes in a
            # labour relation (injury benefits, other labour disputes). Art. 27(4): unpaid
            # pay is not time-barred while employment lasts, and runs one year from its
            # end; so for a wage claim the clock starts at the end of employment only.
            # An occupational-injury claim under the platform pilot needs no labour
            # relation and is not a labour dispute: it opens no arbitration clock (a
            # case that also has a labour claim gets it from that claim).
            trigger_claims=(
                ("knew_infringement", frozenset({"injury", "labor"})),
                ("employment_ended", frozenset({"wage"})),
            ),
            worker_action=_("申请劳动仲裁"),
        ),
        # Calendar days. 劳动人事争议仲裁办案规则 (人社部令第33号) is said to read its 3-,
        # 5- and 10-day periods as working days, but that sentence could not be found in
        # any copy of the 规则 we could read (law notes A13: UNVERIFIED); its art. 19, read
        # on a secondary copy, sends what it does not regulate to the civil-procedure
        # rules, which count calendar days. The statute (art. 29) says 五日, so 5 days
        # until the official text shows otherwise; for a period the commission must
        # meet, the earlier date is the side to err on.
        _rule(
            "labor.arbitration_acceptance",
            _("仲裁委决定是否受理"),
            ("arbitration_filed",),
            5,
            DAYS,
            AGENCY,
            _("《劳动争议调解仲裁法》第二十九条"),
        ),
        _rule(
            "labor.arbitration_award",
            _("仲裁庭作出裁决"),
            ("arbitration_accepted",),
            45,
            DAYS,
            AGENCY,
            _("《劳动争议调解仲裁法》第四十三条第一款"),
            extension=15,
        ),
        _rule(
            "labor.suit_after_award",
            _("不服仲裁裁决起诉"),
            ("award_received", "final_award_received"),
            15,
            DAYS,
            WORKER,
            _("《劳动争议调解仲裁法》第四十八条、第五十条"),
            worker_action=_("向法院起诉"),
        ),
        _rule(
            "labor.set_aside_final_award",
            _("用人单位申请撤销终局裁决"),
            ("final_award_received",),
            30,
            DAYS,
            AGENCY,
            _("《劳动争议调解仲裁法》第四十九条第一款"),
        ),
        _rule(
            "labor.suit_after_set_aside",
            _("终局裁决被撤销后起诉"),
            ("award_set_aside",),
            15,
            DAYS,
            WORKER,
            _("《劳动争议调解仲裁法》第四十九条第三款"),
            worker_action=_("向法院起诉"),
        ),
        _rule(
            "civil.appeal",
            _("不服一审判决上诉"),
            ("judgment_served",),
            15,
            DAYS,
            WORKER,
            _("《民事诉讼法》第一百七十一条第一款"),
            worker_action=_("提起上诉"),
        ),
        _rule(
            "civil.appeal_ruling",
            _("不服一审裁定上诉"),
            ("ruling_served",),
            10,
            DAYS,
            WORKER,
            _("《民事诉讼法》第一百七十一条第二款"),
            note=_(
                "可以上诉的裁定：不予受理、对管辖权有异议的、驳回起诉（第一百五十七条第二款）。"
            ),
            worker_action=_("对裁定提起上诉"),
        ),
        # 行政诉讼法 art. 85 is one paragraph: 15 days against a judgment (first
        # sentence), 10 against a ruling (second sentence).
        _rule(
            "admin.appeal",
            _("不服行政诉讼一审判决上诉"),
            ("admin_judgment_served",),
            15,
            DAYS,
            WORKER,
            _("《行政诉讼法》第八十五条"),
            worker_action=_("提起上诉"),
        ),
        _rule(
            "admin.appeal_ruling",
            _("不服行政诉讼一审裁定上诉"),
            ("admin_ruling_served",),
            10,
            DAYS,
            WORKER,
            _("《行政诉讼法》第八十五条"),
            worker_action=_("对裁定提起上诉"),
        ),
        # 民事诉讼法 art. 227(2): the debtor pays or objects in writing within 15 days of
        # receiving the 支付令; art. 227(3): otherwise the creditor (for a rider: the
        # worker, 劳动合同法 30 II, 劳动争议调解仲裁法 16) may apply for enforcement.
        _rule(
            "civil.payment_order_objection",
            _("债务人对支付令提出异议"),
            ("payment_order_received",),
            15,
            DAYS,
            AGENCY,
            _("《民事诉讼法》第二百二十七条第二款"),
            note=_(
                "债务人期满既不提出书面异议又不履行的，可以向法院申请执行（第二百二十七条第三款）。"
            ),
        ),
        _rule(
            "civil.judicial_confirmation",
            _("申请司法确认调解协议"),
            ("mediation_agreement_effective",),
            30,
            DAYS,
            WORKER,
            _("《民事诉讼法》第二百零五条"),
            note=_("须由双方当事人共同向法院提出。"),
            worker_action=_("与对方共同申请司法确认"),
        ),
        _rule(
            "civil.preservation_suit",
            _("诉前保全后起诉或申请仲裁"),
            ("pre_suit_preservation",),
            30,
            DAYS,
            WORKER,
            _("《民事诉讼法》第一百零四条第三款"),
            note=_("逾期不起诉或者不申请仲裁的，法院应当解除保全。"),
            worker_action=_("起诉或申请仲裁"),
        ),
        _rule(
            "civil.enforcement",
            _("申请强制执行"),
            ("performance_due",),
            2,
            YEARS,
            WORKER,
            _("《民事诉讼法》第二百五十条第一款、第二款"),
            # Art. 250 applies the limitation rules on suspension and interruption,
            # so 民法典 194 II's six-month tail after a suspension applies too.
            limitation=True,
            resume_tail_months=6,
            worker_action=_("申请强制执行"),
        ),
        # Intake records the incident date as the ACCIDENT milestone; for a road
        # accident the worker usually knows the damage and the other party that day,
        # and the earlier trigger is the safe one. A later KNEW_DAMAGE milestone adds
        # its own, later deadline.
        _rule(
            "civil.tort_limitation",
            _("提起侵权诉讼（诉讼时效）"),
            ("knew_damage", "accident"),
            3,
            YEARS,
            WORKER,
            _("《民法典》第一百八十八条第一款、第二款"),
            claims=frozenset({"tort"}),
            limitation=True,
            resume_tail_months=6,
            note=_("中断适用第一百九十五条，中止适用第一百九十四条（障碍消除后满六个月届满）。"),
            worker_action=_("向对方主张赔偿"),
        ),
        # 道路交通事故处理程序规定 (in force 2018-05-01) art. 71(1): three days from service
        # of the 认定书 (or 证明); art. 112 item (五): "“一日”、“二日”、“三日”、“五日”、
        # “十日”，是指工作日，不包括节假日". Not among ../shared/law/; read in full on the
        # LawRefBook/Laws copy (部门规章/公安部/道路交通事故处理程序规定(2018-02-02).md).
        _rule(
            "traffic.liability_review",
            _("申请道路交通事故认定复核"),
            ("traffic_finding_served",),
            3,
            WORKDAYS,
            WORKER,
            _("《道路交通事故处理程序规定》第七十一条第一款、第一百一十二条第五项"),
            note=_("“三日”指工作日；逾期申请的不予受理，同一事故的复核以一次为限。"),
            worker_action=_("申请交通事故认定复核"),
        ),
        _rule(
            "legalaid.decision",
            _("法律援助机构作出是否给予援助的决定"),
            ("legalaid_applied",),
            7,
            DAYS,
            AGENCY,
            _("《法律援助法》第四十三条第一款"),
        ),
        # The 3 days to assign are in art. 43 I (art. 44 is about aid given before the
        # decision).
        _rule(
            "legalaid.assignment",
            _("指派法律援助人员"),
            ("legalaid_granted", "transition:accept_for_aid"),
            3,
            DAYS,
            AGENCY,
            _("《法律援助法》第四十三条第一款"),
            binds_on_transition=UNION,
        ),
        _rule(
            "inspection.complaint",
            _("向劳动保障监察投诉"),
            ("violation_ended",),
            2,
            YEARS,
            WORKER,
            # 20(1) gives the two years; 20(2), the paragraph for our trigger, counts them
            # from the end of a continuing violation ("前款规定的期限").
            _("《劳动保障监察条例》第二十条第二款"),
            worker_action=_("投诉到劳动监察"),
        ),
        _rule(
            "inspection.investigation",
            _("劳动监察调查完成"),
            ("inspection_opened",),
            60,
            WORKDAYS,
            AGENCY,
            _("《劳动保障监察条例》第十七条"),
            extension=30,
        ),
        # The occupational-injury pilot (新就业形态人员职业伤害保障试点) is run under
        # ministry and provincial pilot measures that are not among the statute texts
        # this table is checked against, and whose application period is not settled
        # nationally. The period comes from settings
        # (OCCUPATIONAL_APPLICATION_DAYS). The default of 30 days is the shorter of the
        # two periods of the closest statutory analogue, 工伤保险条例 art. 17 (30 days for
        # the employer, 1 year for the worker): the pilot has no employer to apply and
        # the rider applies alone, and a reminder that comes early costs nothing while
        # one that comes late can cost the claim. Shown everywhere as not statutory.
        _rule(
            "occupational.application",
            _("申请职业伤害确认（平台试点）"),
            ("accident",),
            30,
            DAYS,
            WORKER,
            _("新就业形态人员职业伤害保障试点政策（非法定期限，本站默认值）"),
            claims=frozenset({"occupational"}),
            pilot=True,
            note=_(
                "试点地区的申请期限尚无全国统一规定。本站默认自事故发生之日起 30 日"
                "（参照《工伤保险条例》第十七条第一款较短的期限，宁早勿晚），"
                "管理员可按当地规定调整（OCCUPATIONAL_APPLICATION_DAYS）。"
            ),
            worker_action=_("申请职业伤害确认"),
        ),
        _rule(
            "sla.lawyer_accept",
            _("律师答复是否接案"),
            ("transition:assign", "transition:reassign"),
            2,
            WORKDAYS,
            LAWYER,
            _("本站服务规范（律师答复接案时限）"),
        ),
        _rule(
            "sla.first_contact",
            _("律师首次联系劳动者"),
            ("transition:accept",),
            3,
            WORKDAYS,
            LAWYER,
            _("本站服务规范（律师首次联系时限）"),
        ),
    ]
}

# A milestone that is the very act a deadline waited for: recording it settles that
# deadline (done on or before the due date, missed after it). Only the unambiguous
# pairs; the rest are closed by hand on the deadline page.
FULFILLED_BY = {
    "injury_filed": ("injury.employer_application", "injury.worker_application"),
    # The material asked for was handed in: the authority's first 15 days ended with its
    # request; a new period runs from the new milestone (that one is not settled).
    "injury_supplemented": ("injury.acceptance",),
    "injury_accepted": ("injury.acceptance",),
    "injury_decided": ("injury.decision", "injury.decision_simple"),
    "lawsuit_filed": (
        "civil.tort_limitation",
        "civil.preservation_suit",
        "labor.suit_after_award",
        "labor.suit_after_set_aside",
    ),
    "appraisal_concluded": ("injury.appraisal_conclusion",),
    "reappraisal_applied": ("injury.reappraisal_request",),
    "reappraisal_concluded": ("injury.reappraisal_conclusion",),
    "reconsideration_applied": ("admin.reconsideration",),
    "reconsideration_decided": ("admin.reconsideration_decision",),
    "arbitration_filed": ("labor.arbitration_limitation", "civil.preservation_suit"),
    "arbitration_accepted": ("labor.arbitration_acceptance",),
    "award_received": ("labor.arbitration_award",),
    "final_award_received": ("labor.arbitration_award",),
    "legalaid_granted": ("legalaid.decision",),
    "inspection_complaint": ("inspection.complaint",),
    "occupational_filed": ("occupational.application",),
}

# A milestone that makes a deadline moot rather than meeting it: recording it waives
# that deadline. A 复议 decision received replaces the silence route (行政诉讼法 45:
# 15 days from receiving the decision, admin.lawsuit_after_reconsideration).
MOOTED_BY = {
    "reconsideration_decided": ("admin.lawsuit_after_reconsideration_silence",),
}

# Milestones that pause or resume a period (rule.paused_by): kind → the rules.
PAUSES = {
    kind: tuple(code for code, r in RULES.items() if kind in r.paused_by)
    for kind in {k for r in RULES.values() for k in r.paused_by}
}
# Rules whose period starts when another one ends: the rule → those following it.
FOLLOWERS = {
    code: tuple(c for c, r in RULES.items() if r.after == code)
    for code in {r.after for r in RULES.values() if r.after}
}

LIMITATION_RULES = frozenset(code for code, r in RULES.items() if r.limitation)
INTERRUPTIBLE_RULES = frozenset(
    code for code, r in RULES.items() if r.limitation and r.interruptible
)
# Pilot-policy limits: configurable, and every screen showing one says so.
PILOT_RULES = frozenset(code for code, r in RULES.items() if r.pilot)
PILOT_NOTICE = _("试点政策期限，以当地规定为准")

# Rules whose period is read from settings: code → setting name.
CONFIGURED_PERIODS = {
    "sla.lawyer_accept": "SLA_LAWYER_ACCEPT_WORKDAYS",
    "sla.first_contact": "SLA_FIRST_CONTACT_WORKDAYS",
    "occupational.application": "OCCUPATIONAL_APPLICATION_DAYS",
}


def get_rule(code: str, *, sla_workdays: dict | None = None) -> Rule:
    """The rule for `code` (KeyError when unknown). Internal SLAs and pilot limits
    take their period from settings (pass `sla_workdays`, code → period, to override,
    e.g. in tests)."""
    rule = RULES[code]
    if code in CONFIGURED_PERIODS:
        if sla_workdays is not None and code in sla_workdays:
            period = sla_workdays[code]
        else:
            period = getattr(settings, CONFIGURED_PERIODS[code], rule.period)
        rule = Rule(**{**rule.__dict__, "period": int(period)})
    return rule


def label_of(code: str) -> str:
    """A rule's name in the active language ("申请工伤认定"), or the code if unknown."""
    rule = RULES.get(code)
    return str(rule.label) if rule else code


def rules_for_trigger(trigger: str, claims=()) -> list[Rule]:
    """The rules a milestone kind (or "transition:<name>") starts, for a case with these claims."""
    claims = set(claims)
    return [get_rule(r.code) for r in RULES.values() if r.started_by(trigger, claims)]


# 法律援助法 第四十四条第一款第一项: the legal-aid office may give aid first and check
# after when "距法定时效或者期限届满不足七日，需要及时提起诉讼或者申请仲裁、行政复议".
AID_FIRST_DAYS = 7
AID_FIRST_CITATION = _("《法律援助法》第四十四条第一款第一项")


def aid_first(act_by: datetime.date | None, today: datetime.date) -> bool:
    """The nearest deadline the worker must meet is fewer than seven days away (or
    already past): flag the case for aid first, the review after."""
    return act_by is not None and (act_by - today).days < AID_FIRST_DAYS


def aid_first_notice(act_by: datetime.date | None, today: datetime.date) -> str:
    """The flag at intake and on the triage board, or "" when there is none. `act_by`
    is the day to act by on the case's nearest open worker-side deadline."""
    if not aid_first(act_by, today):
        return ""
    words = {"date": act_by.isoformat(), "citation": AID_FIRST_CITATION}
    if act_by < today:
        return str(_("已有须由劳动者一方办理的期限于 %(date)s 届满，请立即核实处理。") % words)
    return str(
        _(
            "距最近一个须由劳动者一方办理的期限届满不足七日（%(date)s）："
            "可以先行提供法律援助，事后补办审查手续（%(citation)s）。"
        )
        % words
    )
