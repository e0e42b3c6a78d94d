"""Role landing pages and scope helpers."""

import pytest
from django.urls import reverse

from cases.models import Case
from stations.models import Station
from tests.helpers import login, make_case, make_user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona, landing",
    [
        ("volunteer", "cases:station_cases"),
        ("coordinator", "cases:triage"),
        ("lawyer", "cases:queue"),
    ],
)
def test_each_role_lands_on_its_home(client, world, persona, landing):
    person = getattr(world.beijing, persona)
    login(client, getattr(person, "user", person))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(landing)
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_a_user_without_a_role_sees_an_explanation(client):
    login(client, make_user("nobody"))
    assert "尚未分配岗位" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("cases:station_cases"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_coordinator_of_chaoyang_sees_nothing_of_panlong(world):
    bj, km = world.beijing, world.kunming
    bj_case = make_case(bj.station, bj.volunteer)
    km_case = make_case(km.station, km.volunteer)
    assert list(Station.objects.visible_to(bj.coordinator)) == [bj.station]
    assert list(Case.objects.visible_to(bj.coordinator)) == [bj_case]
    assert list(Case.objects.visible_to(km.coordinator)) == [km_case]


@pytest.mark.django_db
def test_a_volunteer_sees_only_their_own_stations_cases(world):
    bj = world.beijing
    other_station = Station.objects.create(code="BJ-2", name="另一驿站", region_code="110105")
    mine = make_case(bj.station, bj.volunteer)
    make_case(other_station)
    assert list(Case.objects.visible_to(bj.volunteer)) == [mine]


@pytest.mark.django_db
def test_a_lawyer_sees_only_cases_assigned_to_them(world):
    bj = world.beijing
    theirs = make_case(bj.station, bj.volunteer, state=Case.State.ASSIGNED, lawyer=bj.lawyer)
    make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    assert list(Case.objects.visible_to(bj.lawyer.user)) == [theirs]


@pytest.mark.django_db
def test_a_province_union_coordinator_covers_every_district_below(world):
    from tests.helpers import make_coordinator, make_union

    yunnan = make_coordinator(make_union(region_code="530000", name="云南省总工会"))
    km_case = make_case(world.kunming.station, world.kunming.volunteer)
    make_case(world.beijing.station, world.beijing.volunteer)
    assert list(Case.objects.visible_to(yunnan)) == [km_case]


@pytest.mark.django_db
def test_case_page_outside_scope_is_a_404(client, world):
    km_case = make_case(world.kunming.station, world.kunming.volunteer)
    login(client, world.beijing.coordinator)
    assert client.get(km_case.get_absolute_url()).status_code == 404
    login(client, world.kunming.coordinator)
    assert client.get(km_case.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_coordinators_of_a_district_are_those_of_its_district_city_and_province(world):
    from stations.models import Membership
    from tests.helpers import make_coordinator, make_union

    province = make_coordinator(make_union(region_code="530000", name="云南省总工会"))
    city = make_coordinator(make_union(region_code="530100", name="昆明市总工会"))
    retired = make_coordinator(world.kunming.union)
    retired.is_active = False
    retired.save()
    users = {m.user for m in Membership.objects.coordinating("530103")}
    assert users == {world.kunming.coordinator, province, city}
