from django.urls import path

from api import docs
from api.v1 import api

urlpatterns = [
    path("v1/docs", docs.page, name="api_docs"),
    path("v1/", api.urls),
]
