"""Case URLs. Each feature owns one views module and one block below."""

from django.urls import path

from . import deadline_views, routing_views, views

app_name = "cases"

urlpatterns = [
    # --- case lifecycle: station lists, intake, triage, case page (cases/views.py)
    path("", views.station_cases, name="station_cases"),
    path("intake/", views.intake, name="intake"),
    path("triage/", views.triage, name="triage"),
    # --- routing: lawyer queue, assignment board, lawyer actions (cases/routing_views.py)
    path("queue/", routing_views.queue, name="queue"),
    path("assignments/", routing_views.assignment_board, name="assignment_board"),
    # --- deadlines: milestones, deadline board, notifications, calendar (cases/deadline_views.py)
    path("deadlines/", deadline_views.deadline_board, name="deadline_board"),
    path("notifications/", deadline_views.notifications, name="notifications"),
    # --- documents (cases/document_views.py)
    # --- the case page and its sub-pages last: <number> matches almost anything
    path("<str:number>/", views.detail, name="detail"),
]
