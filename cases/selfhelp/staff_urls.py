"""Staff pages of self-help, under /cases/ (included from cases/urls.py)."""

from django.urls import path

from cases.selfhelp import staff_views

urlpatterns = [
    path("posters/", staff_views.poster_list, name="posters"),
    path("posters/batches/<int:pk>/", staff_views.posters_progress, name="posters_progress"),
    path("posters/batches/<int:pk>/zip/", staff_views.posters_zip, name="posters_zip"),
    path("posters/<str:code>.pdf", staff_views.poster, name="poster"),
]
