import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.helpers import make_case


@pytest.mark.django_db
def test_every_admin_changelist_and_add_page_loads_in_chinese(admin_client, world):
    case = make_case(world.beijing.station, world.beijing.volunteer)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"cases", "lawyers", "stations"}:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(url, {"q": "测试"})
        assert response.status_code == 200, url
        if model_admin.has_add_permission(response.wsgi_request):
            assert (
                admin_client.get(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
                ).status_code
                == 200
            )
    response = admin_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    assert "案件编号" in response.content.decode()


def test_every_model_of_ours_is_in_the_admin():
    ours = [m for m in apps.get_models() if m._meta.app_label in {"cases", "lawyers", "stations"}]
    inlines = {inline.model for ma in admin.site._registry.values() for inline in ma.inlines}
    internal = {"CaseSequence", "StatusAddress"}
    missing = [
        m.__name__
        for m in ours
        if m not in admin.site._registry and m not in inlines and m.__name__ not in internal
    ]
    assert missing == []


@pytest.mark.django_db
def test_the_back_office_is_closed_to_staff_who_are_not_superusers(client, world):
    make_case(world.kunming.station, world.kunming.volunteer)
    # A Beijing coordinator made staff and given every view permission by mistake.
    user = world.beijing.coordinator
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    for url in (
        reverse("admin:index"),
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_worker_changelist"),
        reverse("admin:cases_smsmessage_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    assert "/admin/" not in client.get(reverse("cases:triage")).content.decode()


@pytest.mark.django_db
def test_superusers_keep_the_back_office(admin_client, world):
    make_case(world.kunming.station, world.kunming.volunteer)
    response = admin_client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 200 and "530103-" in response.content.decode()
