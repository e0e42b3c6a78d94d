"""The worker's self-help pages, under /s/ (the address on the station's poster)."""

from django.urls import path

from cases.selfhelp import views

app_name = "selfhelp"

urlpatterns = [
    path("<str:code>/", views.start, name="start"),
    path("<str:code>/verify/", views.verify, name="verify"),
    path("<str:code>/resend/", views.resend, name="resend"),
    path("<str:code>/cases/", views.open_cases, name="cases"),
    path("<str:code>/new/", views.new_request, name="request"),
    path("<str:code>/done/<str:number>/", views.receipt, name="receipt"),
    path("<str:code>/leave/", views.leave, name="leave"),
]
