from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("<str:code>/position/", views.position, name="position"),
]
