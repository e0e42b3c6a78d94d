from django.urls import path

from cases.routing import views

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("handed-over/", views.handed_over, name="handed_over"),
    path("assignments/", views.assignment_board, name="assignment_board"),
    path("<str:number>/assign/", views.assign, name="assign"),
    path("<str:number>/auto-assign/", views.auto_assign, name="auto_assign"),
    path("<str:number>/accept/", views.accept, name="accept"),
    path("<str:number>/decline/", views.decline, name="decline"),
    path("<str:number>/reassign/", views.reassign, name="reassign"),
    path("<str:number>/my-notes/", views.own_notes, name="own_notes"),
]
