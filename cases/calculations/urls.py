from django.urls import path

from cases.calculations import views

urlpatterns = [
    path("<str:number>/calculate/", views.calculate, name="calculate"),
    path("<str:number>/calculate/<int:pk>/use/", views.use_calculation, name="use_calculation"),
]
