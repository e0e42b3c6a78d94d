"""Who hears about what.

The workflow calls `transition_done` after commit. It only writes rows — in-app
notifications and SMS outbox messages — so it does not depend on the task queue being
up: SMS delivery is queued from the outbox and a scheduled retry picks up anything the
queue lost. Every message carries a dedupe key derived from the event, so running the
handlers twice sends once.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Notification
from cases.notices.sms import send_sms
from cases.status.page import outcome_words
from config.i18n import in_every_language
from lawyers.models import Lawyer
from stations.models import Membership


def notify_user(user, message, *, case=None, url: str = "", dedupe_key: str | None = None):
    """An in-app notification (the bell). `message` is a callable that writes the text
    in the active language (it is written once per site language, so each reader gets
    their own), or a plain string. With a dedupe key, a second call is a no-op."""
    texts = notice_texts(message) if callable(message) else {}
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user,
                case=case,
                message=texts[settings.LANGUAGE_CODE] if texts else message[:300],
                translations=texts,
                url=url or (case.get_absolute_url() if case else ""),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None


def notice_texts(compose) -> dict[str, str]:
    """Notification.translations for a notice: compose() in each site language."""
    return {code: text[:300] for code, text in in_every_language(compose).items()}


def transition_done(event_id: int, worker_sms: str | None = None) -> None:
    """After a transition commits: the worker's SMS (the template the transition table
    names) and the staff's notices. Stored messages are read later by other people, so
    they are written in the site's language, not in that of whoever clicked."""
    with translation.override(settings.LANGUAGE_CODE):
        event = CaseEvent.objects.select_related(
            "case__worker", "case__lawyer__user", "case__station"
        ).get(pk=event_id)
        if worker_sms:
            worker_notice(event, worker_sms)
        staff_notices(event)


def worker_notice(event, template: str) -> None:
    """One SMS to the worker per event: the dedupe key makes a second run a no-op."""
    case = event.case
    params = {"number": case.number}
    if template == "case_referred":
        to = case.referred_to
        params["referred_to"] = to if len(to) <= 24 else f"{to[:23]}…"
    elif template == "lawyer_accepted":
        if case.lawyer is None:
            return
        params.update(lawyer=case.lawyer.name, firm=case.lawyer.firm)
    elif template == "case_resolved":
        params["outcome"] = outcome_words(case.outcome, case.amount_recovered)
    send_sms(case.worker.phone, template, params, dedupe_key=f"event:{event.pk}:worker")


def staff_notices(event) -> None:
    """Lawyer and coordinator notifications (routing feature): the lawyer hears of an
    assignment in-app and by SMS; the region's coordinators hear of a decline or an
    expired offer in-app, with where the case went next."""
    case = event.case
    key = f"event:{event.pk}"
    if event.transition in ("assign", "reassign"):
        lawyer = (
            Lawyer.objects.select_related("user")
            .filter(pk=event.data.get("lawyer_id") or case.lawyer_id)
            .first()
        )
        if lawyer is None:
            return
        days = settings.SLA_LAWYER_ACCEPT_WORKDAYS
        notify_user(
            lawyer.user,
            lambda: (
                _(
                    "新案件待接案：%(number)s（%(claims)s），请在 %(days)d 个工作日内确认接案或拒绝。"
                )
                % {"number": case.number, "claims": case.get_claims_display(), "days": days}
            ),
            case=case,
            dedupe_key=f"{key}:lawyer",
        )
        send_sms(
            lawyer.phone,
            "lawyer_assigned",
            {"name": lawyer.name, "number": case.number, "days": days},
            dedupe_key=f"{key}:lawyer-sms",
        )
        previous = event.data.get("previous_lawyer_id")
        old = (
            Lawyer.objects.select_related("user").filter(pk=previous).first() if previous else None
        )
        if old is not None:
            notify_user(
                old.user,
                lambda: _("案件 %(number)s 已由协调员改派给其他律师。") % {"number": case.number},
                case=case,
                dedupe_key=f"{key}:previous-lawyer",
            )
    elif event.transition in ("decline", "expire"):
        name = event.data.get("lawyer_name", "")
        case.refresh_from_db()
        routed_to = case.lawyer.name if case.state == case.State.ASSIGNED and case.lawyer else ""

        def message():
            if event.transition == "decline":
                what = _("律师%(name)s拒绝了案件 %(number)s，理由：%(reason)s。") % {
                    "name": name,
                    "number": case.number,
                    # The sentence ends with its own "。": the reason's own would double it.
                    "reason": event.note.rstrip("。.！!"),
                }
            else:
                what = _("律师%(name)s未在期限内答复案件 %(number)s（超时未答复）。") % {
                    "name": name,
                    "number": case.number,
                }
            if routed_to:
                return what + _("系统已自动分配给下一位律师%(name)s。") % {"name": routed_to}
            return what + _("没有其他符合条件的律师，请在分派看板重新分配。")

        coordinators = (
            get_user_model()
            .objects.filter(memberships__in=Membership.objects.coordinating(case.region_code))
            .distinct()
        )
        for user in coordinators:
            notify_user(user, message, case=case, dedupe_key=f"{key}:coord:{user.pk}")


def case_received(case_id: int, access_code: str) -> None:
    """Send the worker the 'received' SMS with the access code (the only place it travels)."""
    case = Case.objects.select_related("worker").filter(pk=case_id).first()
    if case is None:
        return
    send_sms(
        case.worker.phone,
        "case_received",
        {"number": case.number, "access_code": access_code},
        dedupe_key=f"case:{case_id}:received",
    )
