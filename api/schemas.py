"""The API's request and response shapes (pydantic, through django-ninja): the
OpenAPI schema at /api/v1/openapi.json is generated from these, and the same types
validate what comes in. Domain rules (a valid phone, a date not in the future, a
transition's arguments) are the pages' forms, run by the operations."""

import datetime
from decimal import Decimal

from ninja import Field, Schema


class ErrorBody(Schema):
    code: str = Field(..., examples=["not_found"])
    message: str = Field(..., examples=["没有找到，或不在本客户端的地区范围内。"])
    fields: dict[str, list[str]] = Field(default_factory=dict, examples=[{}])


class Error(Schema):
    error: ErrorBody


class WorkerIn(Schema):
    name: str = Field(..., max_length=50, examples=["王小明"])
    phone: str = Field(..., max_length=30, examples=["13800138000"])
    id_number: str = Field("", max_length=20, examples=[""])
    platform: str = Field(..., max_length=30, examples=["meituan"])
    arrangement: str = Field("unknown", max_length=30, examples=["unknown"])


class PartyIn(Schema):
    kind: str = Field(..., max_length=20, examples=["employer"])
    name: str = Field(..., max_length=100, examples=["某某配送服务有限公司"])
    credit_code: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)


class IntakeIn(Schema):
    station: str = Field(..., max_length=30, description="驿站编号 station code")
    worker: WorkerIn
    claims: list[str] = Field(..., max_length=10, examples=[["wage"]])
    incident_date: datetime.date | None = Field(None, examples=["2026-11-02"])
    facts: str = Field(..., max_length=5000, examples=["送餐途中与出租车相撞，右脚骨折。"])
    amount_claimed: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    evidence: list[str] = Field(default_factory=list, max_length=50)
    parties: list[PartyIn] = Field(default_factory=list, max_length=8)
    consent: bool = Field(
        ...,
        strict=True,  # a JSON true, not "yes" or 1: the worker's consent is explicit
        description="已向劳动者宣读个人信息告知同意书并取得同意 (the consent notice was read)",
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "station": "BJ-110105-001",
                    "worker": {"name": "李四", "phone": "13912345678", "platform": "meituan"},
                    "claims": ["wage"],
                    "incident_date": "2026-11-02",
                    "facts": "12351 来电：站点拖欠两个月工资约 9000 元。",
                    "amount_claimed": "9000",
                    "parties": [{"kind": "employer", "name": "某某配送服务有限公司"}],
                    "consent": True,
                }
            ]
        }
    }


class StationRef(Schema):
    code: str
    name: str


class IntakeOut(Schema):
    number: str = Field(..., examples=["110105-2026-00001"])
    state: str = Field(..., examples=["received"])
    access_code: str | None = Field(
        None, description="登记回执上的 8 位查询码：只在第一次创建时返回 (first response only)"
    )
    replayed: bool = False


class WorkerOut(Schema):
    name: str
    phone: str = Field(..., description="masked: 138****8000")
    id_number: str = Field(..., description="masked")
    platform: str


class LawyerOut(Schema):
    name: str
    firm: str


class EventOut(Schema):
    at: datetime.datetime
    kind: str
    text: str
    note: str


class DeadlineOut(Schema):
    rule: str
    label: str
    due_date: datetime.date
    safe_date: datetime.date | None
    status: str
    binds: str
    provisional: bool


class DocumentOut(Schema):
    kind: str
    label: str
    version: int
    final: bool
    created_at: datetime.datetime


class CaseSummary(Schema):
    number: str = Field(..., examples=["110105-2026-00001"])
    state: str = Field(..., examples=["received"])
    state_label: str = Field(..., examples=["待审核"], description="in the request's language")
    claims: list[str] = Field(..., examples=[["wage"]])
    station: StationRef
    region_code: str = Field(..., examples=["110105"])
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CaseOut(CaseSummary):
    incident_date: datetime.date | None
    facts: str
    amount_claimed: Decimal | None
    worker: WorkerOut
    lawyer: LawyerOut | None
    outcome: str
    timeline: list[EventOut]
    deadlines: list[DeadlineOut]
    documents: list[DocumentOut]
    transitions: list[str] = Field(..., description="what this client may run now")


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")


class TransitionIn(Schema):
    transition: str = Field(..., max_length=30, examples=["withdraw"])
    expected_state: str = Field(..., max_length=20, examples=["received"])
    fields: dict[str, str | bool | int | float | None] = Field(
        default_factory=dict,
        examples=[{"worker_request": True, "reason": "劳动者本人来电要求撤回"}],
        description="the page form's fields for this transition",
    )


class WorkerCodeIn(Schema):
    phone: str = Field(..., max_length=30, examples=["13800138000"])


class Message(Schema):
    message: str


class WorkerTokenIn(Schema):
    phone: str = Field(..., max_length=30, examples=["13800138000"])
    code: str = Field(..., max_length=20, examples=["123456"])


class WorkerTokenOut(Schema):
    token: str
    expires_in: int = Field(..., description="seconds")


class WorkerCaseOut(Schema):
    number: str
    claims: str
    state_label: str
    updated: str
    next_step: str
    deadline: str
    safe_date: str
    outcome: str
    station_name: str
    station_phone: str
    lawyer: str


class WorkerCases(Schema):
    items: list[WorkerCaseOut]
    more: bool
    minutes_left: int


class StationOut(Schema):
    code: str
    name: str
    region_code: str
    address: str
    phone: str
    opening_hours: str
    open_24h: bool
    legal: bool
    lng: float | None
    lat: float | None
    km: float | None


class StationPage(Schema):
    items: list[StationOut]
    errors: list[str]


class CellOut(Schema):
    key: str
    label: str
    n: int | None = Field(..., description="null when hidden (small-cell suppression)")
    mark: str = Field(..., description='"<5" or "—" when hidden, else ""')
    claimed: Decimal | None
    recovered: Decimal | None


class PartitionOut(Schema):
    name: str
    total: CellOut
    cells: list[CellOut]


class StatisticsOut(Schema):
    region: str
    period_from: str
    period_to: str
    suppressed: bool
    totals: list[CellOut]
    partitions: list[PartitionOut]


class SubscriptionIn(Schema):
    url: str = Field(..., max_length=500, examples=["https://hotline.example.org/hooks/yizhan"])


class WebhookCase(Schema):
    case: str = Field(..., examples=["110105-2026-00001"])
    transition: str = Field(..., examples=["accept_for_aid"])
    from_: str = Field(..., alias="from", examples=["received"])
    to: str = Field(..., examples=["accepted"])
    station: str = Field(..., examples=["BJ-110105-001"])
    region_code: str = Field(..., examples=["110105"])


class WebhookEvent(Schema):
    """What a subscription's URL receives (POST), with the headers webhook-id (the same on
    every retry: deduplicate by it), webhook-timestamp and webhook-signature
    ("v1," + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" with the secret)."""

    type: str = Field(..., examples=["case.state_changed"])
    timestamp: datetime.datetime
    data: WebhookCase


class SubscriptionOut(Schema):
    id: int
    url: str
    active: bool
    secret: str | None = Field(None, description="whsec_…: returned once, at creation")
