"""/api/v1/: the operations. Each parses its input, makes the same domain calls as the
page it mirrors, and answers; the rules stay where docs/architecture.md says.

- who may see and do what: cases.permissions, for the client through api/access.py;
- intake: the intake form (cases.forms.IntakeForm, PartyForm) and cases.intake;
- a transition: the page's form for it and cases.workflow.apply_transition;
- the worker's status: cases.status.lookup (codes, limits) and session/page (what
  the worker reads), the worker token being step 3's signed session;
- statistics: cases.statistics (sections.build, suppression for analysts);
- stations: stations.finder.

Every call by a client is logged in ApiCall (api/middleware.py); a refused case is
also a permission_denial in the security log, as for staff."""

import base64
import binascii
import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from accounts import security
from api import errors, ratelimit, tokens
from api.access import acting_user
from api.errors import ApiError
from api.models import ApiClient, IdempotencyKey, Scope, WebhookSubscription
from api.schemas import (
    CaseOut,
    CasePage,
    CaseSummary,
    Error,
    IntakeIn,
    IntakeOut,
    Message,
    StationPage,
    StatisticsOut,
    SubscriptionIn,
    SubscriptionOut,
    TransitionIn,
    WebhookEvent,
    WorkerCases,
    WorkerCodeIn,
    WorkerTokenIn,
    WorkerTokenOut,
)
from cases import events, permissions, workflow
from cases.deadlines import rules as deadline_rules
from cases.forms import IntakeForm, PartyForm
from cases.models import Case, ConsentText
from cases.status import lookup, page, session
from cases.status.views import SENT_MESSAGE, CodeForm, PhoneForm
from cases.validators import mask_id_number, mask_phone

DESCRIPTION = """
驿站法援的对接接口：12351 热线、智慧工会服务平台、小程序用它登记求助、查看和办理本地区的案件、
订阅状态变更、取统计数据。规则与网页相同（同一套校验、权限、脱敏和限额）。

The API for the union's other systems: the same validation, scope, masking and limits
as the web pages. Authenticate with `Authorization: Bearer <token>` (from
`manage.py create_api_client`). Errors always have the shape
`{"error": {"code", "message", "fields"}}`; messages are Chinese unless the request
sends `Accept-Language: en`. A client over its rate gets 429 with `Retry-After`.
"""

# ---------------------------------------------------------------------------
# Authentication: the client's bearer token


class ClientToken(HttpBearer):
    """The client's token, then its rate, then the operation's scope: all before ninja
    reads the body, so a client without the scope gets its 403 whatever it sends."""

    openapi_description = "API client token (yz_…), from manage.py create_api_client"

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token):
        try:
            client = tokens.client_for(token)
        except tokens.BadToken as bad:
            if bad.client is not None:
                request.api_client = bad.client  # the call log names it (api/middleware.py)
            raise ApiError(401, f"token_{bad.reason}", BAD_TOKEN[bad.reason]) from None
        request.api_client = client
        calls, wait = ratelimit.hit(client)
        if calls > client.rate_per_minute:
            raise ApiError(
                429,
                "rate_limited",
                _("请求太频繁，请 %(n)d 秒后再试。") % {"n": wait},
                headers={"Retry-After": str(wait)},
            )
        return need(client, self.scope)


BAD_TOKEN = {
    "unknown": gettext_lazy("令牌无效。"),
    "revoked": gettext_lazy("令牌已停用。"),
    "expired": gettext_lazy("令牌已过期，请联系管理员更换。"),
}

STANDARD = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The schema, with what subscribers receive under OpenAPI 3.1's `webhooks`."""
        schema = super().get_openapi_schema(*args, **kwargs)
        event = WebhookEvent.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        for name, definition in event.pop("$defs", {}).items():
            schema["components"]["schemas"].setdefault(name, definition)
        schema["components"]["schemas"]["WebhookEvent"] = event
        schema["webhooks"] = {
            "case.state_changed": {
                "post": {
                    "summary": "案件状态变更 A case in the subscriber's scope changed state",
                    "description": WebhookEvent.__doc__,
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/WebhookEvent"}
                            }
                        }
                    },
                    "responses": {"2XX": {"description": "received; anything else is retried"}},
                }
            }
        }
        return schema


class JsonParser(Parser):
    """ninja's JSON parser, refusing a NUL anywhere in the body (PostgreSQL text cannot
    hold one: an escaped \\u0000 in a station code reached a query and failed with a
    500). config.middleware.RejectNulMiddleware does the same for paths, query strings,
    headers and forms; a refusal here is ninja's 400 (_http_error)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        pending = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                if "\x00" in item:
                    raise ValueError("NUL character")
            elif isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return data


api = Api(
    parser=JsonParser(),
    title="驿站法援 API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # our own page (api/docs.py): the CSP allows no CDN, no inline script
    openapi_url="/openapi.json",
)


def need(client: ApiClient, scope: str) -> ApiClient:
    if not client.has_scope(scope):
        raise ApiError(
            403,
            "missing_scope",
            _("本客户端没有“%(scope)s”权限。") % {"scope": Scope(scope).label},
        )
    return client


def respond(request, status: int, code: str, message, fields=None, headers=None):
    response = api.create_response(request, errors.body(code, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return respond(request, exc.status, exc.code, exc.message, exc.fields, exc.headers)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc):
    return respond(request, 422, "invalid", errors.INVALID, errors.pydantic_fields(exc.errors))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    # ninja's own: 400 for a body it cannot parse (a more specific handler wins for 401).
    if exc.status_code == 400:
        return respond(request, 400, "bad_request", _("请求体不是有效的 JSON。"))
    code, message = errors.SHAPES.get(exc.status_code, ("error", errors.SHAPES[400][1]))
    return respond(request, exc.status_code, code, message)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return respond(
        request, 401, "unauthorized", _("请在 Authorization 头中提供令牌：Bearer <token>。")
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    if isinstance(exc, security.Denied) and getattr(request, "api_client", None):
        security.record(
            security.SecurityEvent.Kind.PERMISSION_DENIED,
            request=request,
            user=request.api_client.user,
            via="api",
            **exc.details,
        )
    return respond(request, 404, "not_found", errors.NOT_FOUND)


def _case_for(request, number: str) -> Case:
    request.api_case = number[:40]
    return permissions.get_case_for(acting_user(request.auth), number)


# ---------------------------------------------------------------------------
# Intake


def _fingerprint(payload: IntakeIn) -> str:
    return hashlib.sha256(payload.model_dump_json().encode()).hexdigest()


# The intake form's worker fields, nested under "worker" in the request body.
WORKER_FIELDS = {"name", "phone", "id_number", "platform", "arrangement"}


def _intake_form(client, payload: IntakeIn):
    user = acting_user(client)
    station = IntakeForm(user=user).fields["station"].queryset.filter(code=payload.station).first()
    if station is None:
        # Outside the client's region (or nowhere): a 404, like a case out of scope.
        raise ApiError(
            404,
            "not_found",
            errors.NOT_FOUND,
            {"station": [str(_("没有这个驿站，或不在本客户端的地区范围内。"))]},
        )
    data = {
        "station": station.pk,
        "name": payload.worker.name,
        "phone": payload.worker.phone,
        "id_number": payload.worker.id_number,
        "platform": payload.worker.platform,
        "arrangement": payload.worker.arrangement,
        "claims": payload.claims,
        "incident_date": payload.incident_date.isoformat() if payload.incident_date else "",
        "facts": payload.facts,
        "amount_claimed": "" if payload.amount_claimed is None else str(payload.amount_claimed),
        "evidence": payload.evidence,
        "consent": "on" if payload.consent else "",
    }
    form = IntakeForm(
        MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in data.items()}), user=user
    )
    parties = [PartyForm(p.model_dump()) for p in payload.parties]
    fields = {}
    if not form.is_valid():
        for name, messages in errors.form_errors(form).items():
            fields[f"worker.{name}" if name in WORKER_FIELDS else name] = messages
    for i, party in enumerate(parties):
        if not party.is_valid():
            for name, messages in errors.form_errors(party).items():
                fields[f"parties.{i}.{name}"] = messages
    if fields:
        raise ApiError(422, "invalid", errors.INVALID, fields)
    return form, [p.cleaned_data for p in parties], user


@api.post(
    "/intake/",
    auth=ClientToken(Scope.INTAKE),
    response={201: IntakeOut, 200: IntakeOut, **STANDARD, 409: Error},
    summary="登记求助 Open a case for a station (hotline, terminals)",
    tags=["cases"],
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 100},
                "description": "同一个键重试只会产生一个案件 (a retried request creates one case)",
            }
        ]
    },
)
def intake(request, payload: IntakeIn):
    client = request.auth
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    fingerprint = _fingerprint(payload)
    if key:
        replay = _replayed(client, key, fingerprint)
        if replay is not None:
            return Status(200, replay)
    consent = ConsentText.current()
    if consent is None:
        raise ApiError(
            409, "no_consent_text", _("系统尚未设置个人信息告知同意书，暂不能登记，请联系管理员。")
        )
    form, parties, user = _intake_form(client, payload)
    try:
        with transaction.atomic():
            row = (
                IdempotencyKey.objects.create(client=client, key=key, fingerprint=fingerprint)
                if key
                else None
            )
            case, code = form.save(user=user, consent=consent, parties=parties)
            if row is not None:
                row.case = case
                row.save(update_fields=["case"])
    except IntegrityError:
        # A parallel request with the same key committed first: its case is the answer.
        replay = _replayed(client, key, fingerprint) if key else None
        if replay is None:
            raise
        return Status(200, replay)
    request.api_case = case.number
    return Status(201, {"number": case.number, "state": case.state, "access_code": code})


def _replayed(client, key, fingerprint):
    row = IdempotencyKey.objects.filter(client=client, key=key).select_related("case").first()
    if row is None or row.case is None:
        return None
    if row.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            _("这个 Idempotency-Key 已用于另一份不同的登记内容。"),
        )
    return {
        "number": row.case.number,
        "state": row.case.state,
        "access_code": None,
        "replayed": True,
    }


# ---------------------------------------------------------------------------
# Cases

CASE_NUMBER = Path(..., max_length=40, examples=["110105-2026-00001"])


def _summary(case: Case) -> dict:
    return {
        "number": case.number,
        "state": case.state,
        "state_label": case.get_state_display(),
        "claims": case.claim_list,
        "station": {"code": case.station.code, "name": case.station.name},
        "region_code": case.region_code,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


@api.get(
    "/cases/{number}",
    auth=ClientToken(Scope.CASES_READ),
    response={200: CaseOut, **STANDARD},
    summary="案件详情 A case: timeline, deadlines, documents (personal data masked)",
    tags=["cases"],
)
def case_detail(request, number: str = CASE_NUMBER):
    client = request.auth
    case = _case_for(request, number)
    user = acting_user(client)
    worker = case.worker
    return {
        **_summary(case),
        "incident_date": case.incident_date,
        "facts": case.facts,
        "amount_claimed": case.amount_claimed,
        "worker": {
            "name": worker.name,
            "phone": mask_phone(worker.phone),
            "id_number": mask_id_number(worker.id_number or ""),
            "platform": worker.platform,
        },
        "lawyer": {"name": case.lawyer.name, "firm": case.lawyer.firm} if case.lawyer else None,
        "outcome": case.outcome,
        "timeline": [
            {"at": e.at, "kind": e.kind, "text": events.describe(e), "note": e.note}
            for e in case.events.order_by("at", "pk")
        ],
        "deadlines": [
            {
                "rule": d.rule,
                "label": deadline_rules.label_of(d.rule),
                "due_date": d.due_date,
                "safe_date": d.safe_date,
                "status": d.status,
                "binds": d.binds,
                "provisional": d.provisional,
            }
            for d in case.deadlines.order_by("due_date", "pk")
        ],
        "documents": [
            {
                "kind": d.kind,
                "label": d.get_kind_display(),
                "version": d.version,
                "final": d.final,
                "created_at": d.created_at,
            }
            for d in case.documents.order_by("kind", "-version")
        ],
        "transitions": [
            name
            for name in workflow.available_transitions(case, user)
            if workflow.TRANSITIONS[name].form is not None
        ]
        if client.has_scope(Scope.CASES_TRANSITION)
        else [],
    }


PAGE_SIZE = 50


def _cursor(case: Case) -> str:
    raw = json.dumps([case.updated_at.isoformat(), case.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, pk = json.loads(raw)
        at = parse_datetime(at)
        if at is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ApiError(
            422, "invalid", errors.INVALID, {"cursor": [str(_("翻页标记无效。"))]}
        ) from None
    return at, pk


@api.get(
    "/cases/",
    auth=ClientToken(Scope.CASES_READ),
    response={200: CasePage, **STANDARD},
    summary="案件列表 Cases in scope, most recently updated first, with a cursor",
    tags=["cases"],
)
def case_list(
    request,
    state: Case.State | None = None,
    claim: str | None = Query(None, max_length=30),
    station: str | None = Query(None, max_length=30),
    updated_since: datetime.datetime | None = None,
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(PAGE_SIZE, ge=1, le=200),
):
    client = request.auth
    queryset = Case.objects.visible_to(acting_user(client)).select_related("station")
    if state:
        queryset = queryset.filter(state=state)
    if claim:
        # claims is a space-separated list of codes
        queryset = queryset.filter(claims__regex=rf"(^| ){_plain(claim)}( |$)")
    if station:
        queryset = queryset.filter(station__code=station)
    if updated_since:
        queryset = queryset.filter(updated_at__gte=updated_since)
    if cursor:
        from django.db.models import Q

        at, pk = _after(cursor)
        queryset = queryset.filter(Q(updated_at__lt=at) | Q(updated_at=at, pk__lt=pk))
    rows = list(queryset.order_by("-updated_at", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_summary(c) for c in rows],
        "next_cursor": _cursor(rows[-1]) if more and rows else None,
    }


def _plain(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum() or ch == "_")


@api.post(
    "/cases/{number}/transitions",
    auth=ClientToken(Scope.CASES_TRANSITION),
    response={200: CaseSummary, **STANDARD, 409: Error},
    summary="办理 Run a transition, given the state the client saw",
    description="A stale `expected_state` gets 409 with the page's message.",
    tags=["cases"],
)
def transition(request, payload: TransitionIn, number: str = CASE_NUMBER):
    client = request.auth
    case = _case_for(request, number)
    user = acting_user(client)
    spec = workflow.TRANSITIONS.get(payload.transition)
    if spec is None or spec.form is None:
        raise ApiError(422, "invalid", errors.INVALID, {"transition": [str(_("未知的操作。"))]})
    data = {"expected_state": payload.expected_state}
    for name, value in payload.fields.items():
        if value is True:
            value = "on"
        elif value in (False, None):
            continue
        data[name] = str(value)
    prefix = payload.transition
    form = workflow.form_for(
        payload.transition, case, {f"{prefix}-{k}": v for k, v in data.items()}
    )
    if case.state != payload.expected_state:
        raise ApiError(409, "case_changed", str(workflow.CaseChanged()))
    if not form.is_valid():
        raise ApiError(422, "invalid", errors.INVALID, errors.form_errors(form))
    try:
        workflow.apply_transition(
            case,
            payload.transition,
            user,
            expected_state=form.cleaned_data["expected_state"],
            note=form.note(),
            **form.kwargs(),
        )
    except workflow.CaseChanged as exc:
        raise ApiError(409, "case_changed", str(exc)) from None
    except (workflow.TransitionRefused, permissions.CaseArchived) as exc:
        raise ApiError(422, "refused", str(exc)) from None
    return _summary(case)


# ---------------------------------------------------------------------------
# Webhook subscriptions


@api.post(
    "/webhooks/",
    auth=ClientToken(Scope.WEBHOOKS),
    response={201: SubscriptionOut, **STANDARD},
    summary="订阅状态变更 Subscribe to state changes of cases in scope",
    tags=["webhooks"],
)
def subscribe(request, payload: SubscriptionIn):
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from api import webhooks

    client = request.auth
    try:
        URLValidator(schemes=["http", "https"])(payload.url)
    except ValidationError:
        raise ApiError(
            422, "invalid", errors.INVALID, {"url": [str(_("请输入有效的网址。"))]}
        ) from None
    if not webhooks.public_address(payload.url):
        raise ApiError(
            422,
            "invalid",
            errors.INVALID,
            {"url": [str(_("这个地址指向内部网络或无法解析，不能接收变更通知。"))]},
        )
    sub = WebhookSubscription.objects.create(
        client=client, url=payload.url, secret=webhooks.new_secret()
    )
    return Status(201, {"id": sub.pk, "url": sub.url, "active": sub.active, "secret": sub.secret})


@api.get(
    "/webhooks/",
    auth=ClientToken(Scope.WEBHOOKS),
    response={200: list[SubscriptionOut], **STANDARD},
    summary="我的订阅 This client's subscriptions",
    tags=["webhooks"],
)
def subscriptions(request):
    client = request.auth
    return [
        {"id": s.pk, "url": s.url, "active": s.active, "secret": None}
        for s in client.subscriptions.order_by("pk")
    ]


@api.delete(
    "/webhooks/{sub_id}",
    auth=ClientToken(Scope.WEBHOOKS),
    response={204: None, **STANDARD},
    summary="取消订阅 Unsubscribe",
    tags=["webhooks"],
)
def unsubscribe(request, sub_id: int):
    client = request.auth
    deleted, _rows = client.subscriptions.filter(pk=sub_id).delete()
    if not deleted:
        raise errors.not_found()
    return Status(204, None)


# ---------------------------------------------------------------------------
# Statistics


@api.get(
    "/statistics/{section}",
    auth=ClientToken(Scope.STATS_READ),
    response={200: StatisticsOut, **STANDARD},
    summary="统计 The dashboard's figures for a region in scope (suppressed for analysts)",
    tags=["statistics"],
)
def statistics(
    request,
    section: str = Path(..., max_length=20, examples=["overview"]),
    region: str | None = Query(None, max_length=6),
    period_from: str | None = Query(None, alias="from", max_length=7),
    period_to: str | None = Query(None, alias="to", max_length=7),
):
    from cases.statistics import dashboard, sections
    from cases.statistics.periods import StatisticsFilter

    client = request.auth
    if section not in sections.SECTIONS:
        raise errors.not_found()
    data = {"region": region or client.region_prefix.ljust(6, "0")}
    if period_from:
        data["from"] = period_from
    if period_to:
        data["to"] = period_to
    form = StatisticsFilter(data)
    if not form.is_valid():
        raise ApiError(422, "invalid", errors.INVALID, errors.form_errors(form))
    scope = dashboard.resolve_scope(form.cleaned_data["region"], form.cleaned_data["station"])
    view = permissions.statistics_view(acting_user(client), scope.prefix)
    period = form.cleaned_data["period"]
    built = sections.build(section, scope, period, suppressed=view.suppressed, links=False)
    return {
        "region": scope.prefix,
        "period_from": period.params["from"],
        "period_to": period.params["to"],
        "suppressed": view.suppressed,
        "totals": [_cell(c) for c in built.totals.values()],
        "partitions": [
            {"name": p.name, "total": _cell(p.total), "cells": [_cell(c) for c in p.cells]}
            for p in built.partitions.values()
        ],
    }


def _cell(cell) -> dict:
    shown = cell.shown
    return {
        "key": str(cell.key),
        "label": str(cell.label),
        "n": cell.n if shown else None,
        "mark": cell.mark,
        "claimed": cell.claimed if shown else None,
        "recovered": cell.recovered if shown else None,
    }


# ---------------------------------------------------------------------------
# Stations (public)


@api.get(
    "/stations/",
    response={200: StationPage, 422: Error},
    summary="驿站 Stations by region prefix or nearest to a position (public)",
    tags=["stations"],
)
def stations(
    request,
    region: str | None = Query(None, max_length=6),
    lat: float | None = Query(None, ge=-90, le=90),
    lng: float | None = Query(None, ge=-180, le=180),
    legal: bool = True,
    h24: bool = False,
):
    from stations import finder

    params = {"f": "1", "legal": "1" if legal else "", "h24": "1" if h24 else ""}
    if region:
        params["region"] = region
    if lat is not None or lng is not None:
        params["lat"], params["lng"] = str(lat or ""), str(lng or "")
    query = finder.parse(params)
    if query.near is not None:
        found = finder.nearest(*query.near, query.filters)
    else:
        found = [
            (s, None) for s in finder.in_region(query.prefix, query.filters)[: finder.PAGE_SIZE]
        ]
    return {
        "items": [_station(s, km) for s, km in found],
        "errors": [str(e) for e in query.errors],
    }


def _station(s, km) -> dict:
    return {
        "code": s.code,
        "name": s.name,
        "region_code": s.region_code,
        "address": s.address,
        "phone": s.phone,
        "opening_hours": s.opening_hours,
        "open_24h": s.open_24h,
        "legal": s.legal,
        "lng": s.lng,
        "lat": s.lat,
        "km": km,
    }


# ---------------------------------------------------------------------------
# The worker's own status (mini-programs): phone + code → worker token → their cases.
# The same steps, wording and limits as /status/ (cases.status.lookup); the token is
# step 3's signed 15-minute session (cases.status.session), sent as X-Worker-Token.

worker = Router(tags=["worker"])


def _cleaned(form_class, data: dict) -> dict:
    """The status page's own form (its rules and words), its errors as a 422."""
    form = form_class(data)
    if not form.is_valid():
        raise ApiError(422, "invalid", errors.INVALID, errors.form_errors(form))
    return form.cleaned_data


@worker.post(
    "/code",
    response={200: Message, 422: Error, 429: Error},
    summary="劳动者：获取短信验证码 Text a code to the worker's phone",
)
def worker_code(request, payload: WorkerCodeIn):
    phone = _cleaned(PhoneForm, {"phone": payload.phone})["phone"]
    try:
        lookup.request_code(phone, lookup.client_ip(request))
    except lookup.Refused as refusal:
        raise ApiError(429, "refused", refusal.message) from None
    return {"message": str(SENT_MESSAGE)}


@worker.post(
    "/token",
    response={200: WorkerTokenOut, 422: Error, 429: Error},
    summary="劳动者：用验证码或查询码换取查询令牌 Exchange the code for a worker token",
)
def worker_token(request, payload: WorkerTokenIn):
    phone = _cleaned(PhoneForm, {"phone": payload.phone})["phone"]
    code = _cleaned(CodeForm, {"code": payload.code})["code"]
    try:
        verified = lookup.verify(phone, code, lookup.client_ip(request))
    except lookup.Refused as refusal:
        # 429 when a limit refused it (a lock, the address's limit), 422 for a wrong or
        # expired code: the refusal says which (lookup.Refused.limited).
        raise ApiError(429 if refusal.limited else 422, "refused", refusal.message) from None
    return {
        "token": session.session_cookie(verified, phone),
        "expires_in": int(session.SESSION_TTL.total_seconds()),
    }


def _worker_session(request):
    try:
        opened = session.read_session_cookie(request.headers.get("X-Worker-Token"))
    except session.SessionExpired:
        raise ApiError(
            401, "token_expired", _("查询已超过 15 分钟，为保护您的信息，请重新验证。")
        ) from None
    if opened is None:
        raise ApiError(401, "unauthorized", _("请在 X-Worker-Token 头中提供查询令牌。"))
    return opened


WORKER_TOKEN = {
    "parameters": [
        {"name": "X-Worker-Token", "in": "header", "required": True, "schema": {"type": "string"}}
    ]
}


@worker.get(
    "/cases",
    response={200: WorkerCases, 401: Error},
    summary="劳动者：我的案件 The worker's cases, as /status/ shows them",
    openapi_extra=WORKER_TOKEN,
)
def worker_cases(request):
    opened = _worker_session(request)
    cases, more = page.shown_cases(opened.workers, timezone.localdate())
    return {
        "items": [vars(c) for c in cases],
        "more": more,
        "minutes_left": opened.minutes_left(),
    }


@worker.get(
    "/cases/{number}",
    response={200: WorkerCases, 401: Error, 404: Error},
    summary="劳动者：一个案件 One of the worker's cases (404 for anyone else's)",
    openapi_extra=WORKER_TOKEN,
)
def worker_case(request, number: str = CASE_NUMBER):
    opened = _worker_session(request)
    rows = [
        page.case_view(row, timezone.localdate(), translation.get_language())
        for row in page.worker_cases(opened.workers, 1000)
        if row["number"] == number
    ]
    if not rows:
        raise errors.not_found()
    return {"items": [vars(rows[0])], "more": False, "minutes_left": opened.minutes_left()}


api.add_router("/worker/", worker)
