from django.urls import path

from cases.privacy import views

urlpatterns = [
    path("<str:number>/worker/", views.worker_page, name="worker_data"),
    path("<str:number>/worker/copy.json", views.worker_copy_json, name="worker_copy_json"),
    path("<str:number>/worker/copy.pdf", views.worker_copy_pdf, name="worker_copy_pdf"),
    path("<str:number>/worker/correct/", views.worker_correct, name="worker_correct"),
    path("<str:number>/worker/erase/", views.worker_erase, name="worker_erase"),
]
