from django.urls import path

from cases.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.section, name="overview"),
    path("sources/", views.section, {"section": "sources"}, name="sources"),
    path("flow/", views.section, {"section": "flow"}, name="flow"),
    path("outcomes/", views.section, {"section": "outcomes"}, name="outcomes"),
    path("lawyers/", views.section, {"section": "lawyers"}, name="lawyers"),
    path("cases/", views.cases_list, name="cases"),
    path("report.xlsx", views.monthly_report, {"fmt": "xlsx"}, name="report_xlsx"),
    path("report.pdf", views.monthly_report, {"fmt": "pdf"}, name="report_pdf"),
    path("ledger.csv", views.ledger, {"fmt": "csv"}, name="ledger_csv"),
    path("ledger.xlsx", views.ledger, {"fmt": "xlsx"}, name="ledger_xlsx"),
    path("exports/<int:pk>/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
