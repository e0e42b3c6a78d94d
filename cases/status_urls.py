from django.urls import path

from . import status_views

app_name = "status"

urlpatterns = [
    path("", status_views.start, name="start"),
]
