from django.urls import path

from cases.documents import views

urlpatterns = [
    path("closing-reports/", views.closing_reports, name="closing_reports"),
    path(
        "closing-reports/<int:pk>/",
        views.closing_reports_progress,
        name="closing_reports_progress",
    ),
    path("closing-reports/<int:pk>/zip/", views.closing_reports_zip, name="closing_reports_zip"),
    path(
        "<str:number>/documents/<str:kind>/generate/",
        views.document_generate,
        name="document_generate",
    ),
    path("<str:number>/particulars/", views.particulars, name="particulars"),
    path(
        "<str:number>/documents/<str:kind>/final/",
        views.document_upload_final,
        name="document_upload_final",
    ),
    path(
        "<str:number>/documents/<int:pk>/download/",
        views.document_download,
        name="document_download",
    ),
]
