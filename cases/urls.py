from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    # Station and coordinator pages (case lifecycle)
    path("", views.station_cases, name="station_cases"),
    path("triage/", views.triage, name="triage"),
    path("queue/", views.queue, name="queue"),
    path("<str:number>/", views.detail, name="detail"),
]
