from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import language as account_language
from config import views as config_views
from stations import views as station_views

admin.site.site_header = _("驿站法援 · 后台管理")
admin.site.site_title = _("驿站法援")
admin.site.index_title = _("后台管理")

urlpatterns = [
    path("", station_views.home, name="home"),
    path("healthz", station_views.healthz, name="healthz"),
    path("request-too-large", config_views.request_too_large, name="request_too_large"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    # The language switch saves the choice on the account too (accounts.language).
    path("i18n/setlang/", account_language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("lawyers/", include("lawyers.urls")),
    path("status/", include("cases.status.urls")),
    path("stations/", include("stations.urls")),
    path("s/", include("cases.selfhelp.urls")),
    path("stats/", include("cases.statistics.urls")),
    path("api/", include("api.urls")),
]

handler404 = "stations.views.page_not_found"
handler500 = "stations.views.server_error"
