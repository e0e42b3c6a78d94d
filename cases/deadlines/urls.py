from django.urls import path

from cases.deadlines import views

urlpatterns = [
    path("deadlines/", views.deadline_board, name="deadline_board"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<str:number>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("<str:number>/milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("<str:number>/deadlines/<int:pk>/", views.deadline_detail, name="deadline_detail"),
    path("<str:number>/deadlines/<int:pk>/close/", views.deadline_close, name="deadline_close"),
    path(
        "<str:number>/deadlines/<int:pk>/limitation/",
        views.deadline_limitation,
        name="deadline_limitation",
    ),
    path("<str:number>/deadlines/<int:pk>/extend/", views.deadline_extend, name="deadline_extend"),
]
