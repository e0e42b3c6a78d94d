from django.urls import path

from . import views

app_name = "lawyers"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/availability/", views.availability, name="availability"),
]
