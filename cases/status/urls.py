from django.urls import path

from cases.status import views as status_views

app_name = "status"

urlpatterns = [
    path("", status_views.start, name="start"),
    path("verify/", status_views.verify, name="verify"),
    path("resend/", status_views.resend, name="resend"),
    path("cases/", status_views.cases, name="cases"),
    path("logout/", status_views.logout, name="logout"),
    path("outbox/", status_views.outbox, name="outbox"),
]
