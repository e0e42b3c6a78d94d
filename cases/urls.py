"""The staff side of the case app, under /cases/. Each feature package brings its own
URL list; the case page's own sub-pages come last, because `<number>/` matches
almost anything. (The worker's public pages are cases.status.urls, under /status/.)"""

from django.urls import include, path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.station_cases, name="station_cases"),
    path("intake/", views.intake, name="intake"),
    path("triage/", views.triage, name="triage"),
    path("intake/open-cases/", views.intake_open_cases, name="intake_open_cases"),
    path("", include("cases.routing.urls")),
    path("", include("cases.deadlines.urls")),
    path("", include("cases.documents.urls")),
    path("", include("cases.notices.urls")),
    path("", include("cases.selfhelp.staff_urls")),
    path("", include("cases.privacy.urls")),
    path("", include("cases.calculations.urls")),
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
    path("<str:number>/worker-details/", views.update_worker_details, name="update_worker"),
    path("<str:number>/parties/", views.add_party, name="add_party"),
    path("<str:number>/", views.detail, name="detail"),
]
