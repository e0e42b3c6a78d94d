"""Case URLs. Each feature owns one views module and one block below."""

from django.urls import path

from cases import views
from cases.deadlines import views as deadline_views
from cases.documents import views as document_views
from cases.routing import views as routing_views

app_name = "cases"

urlpatterns = [
    # --- case lifecycle: station lists, intake, triage, case page (cases/views.py)
    path("", views.station_cases, name="station_cases"),
    path("intake/", views.intake, name="intake"),
    path("triage/", views.triage, name="triage"),
    path("intake/open-cases/", views.intake_open_cases, name="intake_open_cases"),
    # --- routing: lawyer queue, assignment board, lawyer actions (cases/routing_views.py)
    path("queue/", routing_views.queue, name="queue"),
    path("handed-over/", routing_views.handed_over, name="handed_over"),
    path("assignments/", routing_views.assignment_board, name="assignment_board"),
    # --- deadlines: milestones, deadline board, notifications, calendar (cases/deadline_views.py)
    path("deadlines/", deadline_views.deadline_board, name="deadline_board"),
    path("notifications/", deadline_views.notifications, name="notifications"),
    path(
        "notifications/read-all/",
        deadline_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:pk>/read/", deadline_views.notification_read, name="notification_read"
    ),
    path("calendar/", deadline_views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", deadline_views.calendar_feed, name="calendar_feed"),
    # --- documents (cases/document_views.py)
    path("closing-reports/", document_views.closing_reports, name="closing_reports"),
    path(
        "closing-reports/<int:pk>/",
        document_views.closing_reports_progress,
        name="closing_reports_progress",
    ),
    path(
        "closing-reports/<int:pk>/zip/",
        document_views.closing_reports_zip,
        name="closing_reports_zip",
    ),
    # --- the case page and its sub-pages last: <number> matches almost anything
    # case lifecycle sub-pages (cases/views.py)
    path("<str:number>/receipt/", views.receipt, name="receipt"),
    path("<str:number>/do/<str:transition>/", views.do_transition, name="transition"),
    path("<str:number>/notes/", views.add_note, name="add_note"),
    path("<str:number>/evidence/", views.update_evidence, name="update_evidence"),
    path("<str:number>/attachments/", views.upload_attachments, name="upload_attachments"),
    path(
        "<str:number>/attachments/<int:pk>/",
        views.download_attachment,
        name="download_attachment",
    ),
    path("<str:number>/reveal/", views.reveal, name="reveal"),
    # routing per-case actions (cases/routing_views.py)
    path("<str:number>/assign/", routing_views.assign, name="assign"),
    path("<str:number>/auto-assign/", routing_views.auto_assign, name="auto_assign"),
    path("<str:number>/accept/", routing_views.accept, name="accept"),
    path("<str:number>/decline/", routing_views.decline, name="decline"),
    path("<str:number>/reassign/", routing_views.reassign, name="reassign"),
    path("<str:number>/my-notes/", routing_views.own_notes, name="own_notes"),
    # deadlines per-case pages (cases/deadline_views.py)
    path("<str:number>/milestones/new/", deadline_views.milestone_add, name="milestone_add"),
    path(
        "<str:number>/milestones/<int:pk>/edit/",
        deadline_views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "<str:number>/deadlines/<int:pk>/", deadline_views.deadline_detail, name="deadline_detail"
    ),
    path(
        "<str:number>/deadlines/<int:pk>/close/",
        deadline_views.deadline_close,
        name="deadline_close",
    ),
    path(
        "<str:number>/deadlines/<int:pk>/limitation/",
        deadline_views.deadline_limitation,
        name="deadline_limitation",
    ),
    path(
        "<str:number>/deadlines/<int:pk>/extend/",
        deadline_views.deadline_extend,
        name="deadline_extend",
    ),
    # documents per-case routes (cases/document_views.py)
    path(
        "<str:number>/documents/<str:kind>/generate/",
        document_views.document_generate,
        name="document_generate",
    ),
    path(
        "<str:number>/documents/<int:pk>/download/",
        document_views.document_download,
        name="document_download",
    ),
    path("<str:number>/", views.detail, name="detail"),
]
