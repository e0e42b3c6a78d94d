"""Named personas and make_* helpers. Each fills defaults with setdefault; no fixture files.

The standard world (see `make_world`) mirrors the demo: 朝阳区 110105 in Beijing and
盘龙区 530103 in Kunming, each with a union, a station, a volunteer, a coordinator and
a lawyer.
"""

import datetime
import io
import itertools
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.intake import create_case
from cases.models import Case, ConsentText
from cases.workflow import apply_transition
from lawyers.models import ClaimType, Lawyer, ServiceRegion
from stations.models import Membership, Service, Station, Union

PASSWORD = "test-pass-123"
_seq = itertools.count(1)

# What the SMS gateway was handed, in clear: (phone, template, body). Stored copies mask
# codes, so this is where a test reads the code a worker's phone received. Filled by
# the autouse `sms_gateway` fixture in conftest (the gateway is what leaves the machine).
DELIVERED: list[tuple[str, str, str]] = []


def delivered_sms(phone, template: str) -> str:
    """The latest body of `template` delivered to `phone`, codes included."""
    bodies = [body for to, name, body in DELIVERED if to == str(phone) and name == template]
    assert bodies, f"no {template} SMS was delivered to {phone}"
    return bodies[-1]


def make_user(username=None, **kwargs):
    username = username or f"user{next(_seq)}"
    kwargs.setdefault("first_name", username)
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **kwargs)
    return user


def make_union(**kwargs):
    kwargs.setdefault("region_code", "110105")
    kwargs.setdefault("name", f"{kwargs['region_code']} 总工会")
    return Union.objects.create(**kwargs)


def make_station(**kwargs):
    n = next(_seq)
    kwargs.setdefault("code", f"ST-{n:05d}")
    kwargs.setdefault("name", f"测试驿站{n}")
    kwargs.setdefault("region_code", "110105")
    kwargs.setdefault("phone", "010-12345678")
    kwargs.setdefault("services", [Service.LEGAL])
    return Station.objects.create(**kwargs)


def make_volunteer(station, username=None):
    user = make_user(username)
    Membership.objects.create(user=user, role=Membership.Role.VOLUNTEER, station=station)
    return user


def make_coordinator(union, username=None):
    user = make_user(username)
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, union=union)
    return user


def make_lawyer(username=None, regions=("110105",), **kwargs):
    user = kwargs.pop("user", None) or make_user(username)
    n = next(_seq)
    kwargs.setdefault("name", f"律师{n}")
    kwargs.setdefault("license_number", f"1110120181{n:07d}")
    kwargs.setdefault("firm", "测试律师事务所")
    kwargs.setdefault("phone", f"+86139{n:08d}")
    kwargs.setdefault(
        "specialties", [ClaimType.INJURY, ClaimType.WAGE, ClaimType.TORT, ClaimType.LABOR]
    )
    kwargs.setdefault("capacity", 8)
    lawyer = Lawyer.objects.create(user=user, **kwargs)
    for prefix in regions:
        ServiceRegion.objects.create(lawyer=lawyer, prefix=prefix)
    return lawyer


def make_consent():
    consent = ConsentText.current()
    return consent or ConsentText.objects.create(version="test-1", text="同意书正文", active=True)


def make_case(
    station=None,
    user=None,
    *,
    state=Case.State.RECEIVED,
    lawyer=None,
    worker=None,
    parties=(),
    with_code=False,
    **case_fields,
):
    """A case created through the real intake, then moved to `state` through the real write path.
    With `with_code`, returns (case, access code)."""
    station = station or make_station()
    user = user or make_volunteer(station)
    worker = dict(worker or {})
    worker.setdefault("name", "王小明")
    worker.setdefault("phone", f"+86138{next(_seq):08d}")
    case_fields.setdefault("claims", [ClaimType.INJURY])
    case_fields.setdefault("facts", "送餐途中与出租车相撞，右脚骨折。")
    case_fields.setdefault("incident_date", datetime.date(2026, 11, 2))
    case, code = create_case(
        station=station,
        user=user,
        worker=worker,
        case=case_fields,
        parties=list(parties),
        consent=make_consent(),
    )
    advance(case, state, lawyer=lawyer)
    case.refresh_from_db()
    return (case, code) if with_code else case


def advance(case, state, lawyer=None):
    """Drive a received case to `state` as the superuser would, through apply_transition."""
    admin = get_user_model().objects.filter(is_superuser=True).first() or make_user(
        f"root{next(_seq)}", is_superuser=True, is_staff=True
    )
    if state == Case.State.RECEIVED:
        return
    if state == Case.State.REFERRED:
        apply_transition(
            case, "refer", admin, to="区人社局劳动保障监察大队", reason="属劳动监察受理范围"
        )
        return
    if state == Case.State.WITHDRAWN:
        apply_transition(case, "withdraw", admin, reason="劳动者本人要求撤回")
        return
    from cases.claims import exempt_42_3

    eligibility = (
        Case.Eligibility.EXEMPT_42_3
        if exempt_42_3(case.claim_list)
        else Case.Eligibility.HARDSHIP_MET
    )
    apply_transition(case, "accept_for_aid", admin, eligibility=eligibility)
    if state == Case.State.ACCEPTED:
        return
    lawyer = lawyer or make_lawyer(regions=[case.region_code])
    apply_transition(case, "assign", admin, lawyer=lawyer)
    if state == Case.State.ASSIGNED:
        return
    apply_transition(case, "accept", lawyer.user)
    if state == Case.State.IN_PROGRESS:
        return
    apply_transition(
        case, "resolve", admin, outcome=Case.Outcome.SETTLEMENT, amount_recovered=12000
    )
    if state == Case.State.RESOLVED:
        return
    if state == Case.State.CLOSED:
        make_document(case, kind="closing_report")
        apply_transition(case, "close", admin)
        return
    raise ValueError(f"make_case cannot reach {state} yet")


@dataclass
class Region:
    union: Union
    station: Station
    volunteer: object
    coordinator: object
    lawyer: Lawyer


@dataclass
class World:
    beijing: Region
    kunming: Region
    admin: object


def make_region(code, prefix, tag):
    union = make_union(region_code=code, name=f"{tag}总工会")
    station = make_station(region_code=code, name=f"{tag}驿站")
    return Region(
        union=union,
        station=station,
        volunteer=make_volunteer(station, f"volunteer_{tag}"),
        coordinator=make_coordinator(union, f"coordinator_{tag}"),
        lawyer=make_lawyer(f"lawyer_{tag}", regions=[prefix]),
    )


def make_world():
    return World(
        beijing=make_region("110105", "1101", "chaoyang"),
        kunming=make_region("530103", "530103", "panlong"),
        admin=make_user("root", is_superuser=True, is_staff=True),
    )


def login(client, user):
    """Sign a Django test client in as `user`; returns the client for chaining."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def browser_login(page, username, password=PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


# --- case lifecycle helpers ---------------------------------------------------------


def make_document(case, kind="closing_report", content=b"%PDF-1.4 test", **kwargs):
    """A generated Document row with a tiny PDF (the close transition needs a closing report)."""
    import hashlib

    from django.core.files.base import ContentFile

    from cases.models import Document

    version = Document.objects.filter(case=case, kind=kind).count() + 1
    kwargs.setdefault("template_name", f"documents/{kind}.html")
    kwargs.setdefault("template_version", "test")
    kwargs.setdefault("generated_by", case.created_by)
    document = Document(
        case=case,
        kind=kind,
        version=version,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        **kwargs,
    )
    document.file.save(f"{kind}-v{version}.pdf", ContentFile(content), save=False)
    document.save()
    return document


# --- status page ---------------------------------------------------------------


def make_case_with_code(station=None, user=None, **kwargs):
    """Like make_case, but also returns the receipt's access code (it exists in clear only once)."""
    return make_case(station, user, with_code=True, **kwargs)


# --- routing: each is one transition through the one write path ----------------------


def assign(case, lawyer, user, *, auto=False, **kwargs):
    return apply_transition(case, "assign", user, lawyer=lawyer, data={"auto": auto}, **kwargs)


def accept(case, user, **kwargs):
    return apply_transition(case, "accept", user, **kwargs)


def decline(case, user, *, reason, **kwargs):
    return apply_transition(case, "decline", user, note=reason, reason=reason, **kwargs)


def reassign(case, lawyer, user, *, reason, **kwargs):
    return apply_transition(case, "reassign", user, lawyer=lawyer, note=reason, **kwargs)


def png_upload(name="伤情照片.png"):
    """A real 4×4 PNG as an uploaded file."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- statistics -----------------------------------------------------------------


def make_analyst(scope="", username=None):
    """An analyst (上级工会) over a region prefix; "" is the whole country."""
    user = make_user(username)
    Membership.objects.create(user=user, role=Membership.Role.ANALYST, scope=scope)
    return user


# ---------------------------------------------------------------------------
# The API (/api/v1/)


def api_call(http, method, path, token=None, body=None, **headers):
    """`http.<method>("/api/v1<path>")` with the client's token and a JSON body."""
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    kwargs = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(http, method)(f"/api/v1{path}", **kwargs, **headers)


def api_intake_body(station, **over):
    """A valid intake from a hotline, as the API takes it; `over` replaces top-level keys."""
    body = {
        "station": station.code,
        "worker": {"name": "李四", "phone": "13912345678", "platform": "meituan"},
        "claims": ["wage"],
        "facts": "站点拖欠两个月工资。",
        "consent": True,
    }
    body.update(over)
    return body


class WebhookReceiver:
    """A loopback HTTP server standing in for a client's webhook endpoint: records every
    request (`received`: headers and body; `hits`: paths) and answers `status`, with a
    `Location` when one is given (a redirect)."""

    def __init__(self, port, status=204, location=""):
        self.received, self.hits = [], []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.received.append((dict(self.headers), self.rfile.read(length)))
                outer.hits.append(self.path)
                self.send_response(outer.status)
                if location:
                    self.send_header("Location", location)
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
