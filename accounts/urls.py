from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.security_page, name="security"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("2fa/disable/", views.otp_disable, name="otp_disable"),
    path("password/", views.password_change, name="password"),
]
