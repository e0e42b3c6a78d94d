"""Routing rules: who may take a case and in what order."""

import datetime

import pytest
from django.utils import timezone

from lawyers.models import ClaimType
from lawyers.routing import names_conflict, normalize_org, suggest, why_not
from tests.helpers import make_case, make_lawyer, make_station

INJURY = [ClaimType.INJURY]
CHAOYANG = "110105"


def ranked(**kwargs):
    kwargs.setdefault("claims", INJURY)
    kwargs.setdefault("region_code", CHAOYANG)
    return [s.lawyer for s in suggest(**kwargs)]


def fill(lawyer, n, station=None):
    """Give the lawyer n open cases (in progress) through the real write path."""
    station = station or make_station(region_code=CHAOYANG)
    for _ in range(n):
        make_case(station, state="in_progress", lawyer=lawyer)


@pytest.mark.django_db
def test_a_lawyer_whose_specialties_do_not_cover_the_claim_is_not_suggested():
    wages_only = make_lawyer(specialties=[ClaimType.WAGE])
    injury = make_lawyer(specialties=[ClaimType.INJURY])
    assert ranked() == [injury]
    assert set(ranked(claims=[ClaimType.INJURY, ClaimType.WAGE])) == {wages_only, injury}


@pytest.mark.django_db
def test_a_lawyer_must_serve_a_region_that_contains_the_station():
    district = make_lawyer(regions=["110105"])
    city = make_lawyer(regions=["1101"])
    province = make_lawyer(regions=["11"])
    make_lawyer(regions=["110108"])  # 海淀区: next door, not here
    make_lawyer(regions=["53"])
    assert set(ranked()) == {district, city, province}


@pytest.mark.django_db
def test_the_most_specific_region_ranks_first_even_when_busier():
    province = make_lawyer(regions=["11"], capacity=10)
    district = make_lawyer(regions=["110105"], capacity=10)
    city = make_lawyer(regions=["1101"], capacity=10)
    fill(district, 3)
    assert ranked() == [district, city, province]


@pytest.mark.django_db
def test_a_lawyer_serving_both_levels_counts_with_the_most_specific():
    both = make_lawyer(regions=["11", "110105"])
    city = make_lawyer(regions=["1101"])
    assert ranked() == [both, city]
    assert suggest(claims=INJURY, region_code=CHAOYANG)[0].prefix == "110105"


@pytest.mark.django_db
def test_within_a_region_the_lower_load_ratio_ranks_first():
    half_full = make_lawyer(capacity=4)  # 2/4 = 0.5
    lighter = make_lawyer(capacity=10)  # 3/10 = 0.3
    fill(half_full, 2)
    fill(lighter, 3)
    assert ranked() == [lighter, half_full]


@pytest.mark.django_db
def test_on_equal_load_the_longest_since_last_assignment_ranks_first_and_never_assigned_leads():
    now = timezone.now()
    recent = make_lawyer(last_assigned_at=now - datetime.timedelta(hours=1))
    long_ago = make_lawyer(last_assigned_at=now - datetime.timedelta(days=30))
    never = make_lawyer(last_assigned_at=None)
    assert ranked() == [never, long_ago, recent]


@pytest.mark.django_db
def test_excluded_lawyers_who_declined_or_let_the_case_expire_are_not_suggested():
    declined = make_lawyer()
    other = make_lawyer()
    assert ranked(exclude_ids=[declined.pk]) == [other]


@pytest.mark.django_db
def test_a_lawyer_at_capacity_is_not_suggested_and_resolved_cases_do_not_count():
    full = make_lawyer(capacity=2)
    fill(full, 2)
    assert ranked() == []
    roomy = make_lawyer(capacity=3)
    fill(roomy, 1)
    make_case(make_station(region_code=CHAOYANG), state="resolved", lawyer=roomy)
    make_case(make_station(region_code=CHAOYANG), state="resolved", lawyer=roomy)
    assert ranked() == [roomy]
    assert suggest(claims=INJURY, region_code=CHAOYANG)[0].open_cases == 1


@pytest.mark.django_db
def test_assigned_but_not_yet_accepted_cases_count_against_capacity():
    lawyer = make_lawyer(capacity=1)
    make_case(make_station(region_code=CHAOYANG), state="assigned", lawyer=lawyer)
    assert ranked() == []


@pytest.mark.django_db
def test_lawyers_on_leave_or_inactive_are_never_suggested():
    today = timezone.localdate()
    on_leave = make_lawyer(on_leave_until=today)
    make_lawyer(active=False)
    back = make_lawyer(on_leave_until=today - datetime.timedelta(days=1))
    assert ranked() == [back]
    assert "休假至" in why_not(on_leave, claims=INJURY, region_code=CHAOYANG)


@pytest.mark.django_db
def test_a_declared_conflict_with_an_opposing_party_excludes_the_lawyer():
    conflicted = make_lawyer(conflicts="北京三快科技有限公司\n某某保险")
    free = make_lawyer(conflicts="饿了么")
    result = ranked(opposing_names=["北京三快科技有限公司", "张三"])
    assert result == [free]
    assert "利益冲突" in why_not(
        conflicted, claims=INJURY, region_code=CHAOYANG, opposing_names=["北京 三快科技"]
    )


@pytest.mark.parametrize(
    "declared, party",
    [
        ("北京三快科技有限公司", "北京三快科技有限公司"),
        ("北京三快科技有限公司", "北京三快科技"),
        ("北京三快科技", "北京三快科技有限责任公司"),
        ("顺丰速运有限公司", "顺丰 速运 有限公司"),
        ("顺丰速运有限公司", "顺丰\u3000速运\u3000公司"),
        ("ＡＢＣ物流有限公司", "abc物流"),
        ("达达集团", "达达集团股份有限公司"),
        ("拉扎斯网络科技（上海）有限公司", "拉扎斯网络科技(上海)有限公司北京分公司"),
        ("某某人力资源服务有限公司", "某某人力资源服务有限公司朝阳分公司"),
    ],
)
def test_conflict_names_match_across_spacing_width_and_company_suffixes(declared, party):
    assert names_conflict([declared], [party]) == declared


@pytest.mark.parametrize(
    "declared, party",
    [
        ("美团", "饿了么"),
        ("顺丰速运有限公司", "中通快递股份有限公司"),
        ("有限公司", "北京三快科技有限公司"),  # a bare suffix names nobody
        ("", "北京三快科技有限公司"),
    ],
)
def test_unrelated_organisations_do_not_conflict(declared, party):
    assert names_conflict([declared], [party]) is None


def test_normalising_folds_width_and_strips_stacked_suffixes():
    assert normalize_org(" 某某 集团 有限公司 ") == "某某"
    assert normalize_org("ＸＹＺ　股份有限公司") == "xyz"


@pytest.mark.django_db
def test_each_suggestion_explains_itself_with_region_claim_and_load(regions):
    lawyer = make_lawyer(regions=["110105"], capacity=8)
    fill(lawyer, 2)
    [s] = suggest(claims=[ClaimType.INJURY, ClaimType.OCCUPATIONAL], region_code=CHAOYANG)
    assert s.explanation == "朝阳区 · 工伤 · 2/8 件"


@pytest.mark.django_db
def test_a_municipality_city_prefix_is_named_after_the_province(regions):
    make_lawyer(regions=["1101"], capacity=5)
    [s] = suggest(claims=INJURY, region_code=CHAOYANG)
    assert s.explanation == "北京市 · 工伤 · 0/5 件"


@pytest.mark.django_db
def test_why_not_names_the_first_rule_a_lawyer_fails():
    lawyer = make_lawyer(regions=["53"], specialties=[ClaimType.WAGE])
    assert "服务地区" in why_not(lawyer, claims=INJURY, region_code=CHAOYANG)
    assert "擅长领域" in why_not(lawyer, claims=INJURY, region_code="530103")
    assert why_not(lawyer, claims=[ClaimType.WAGE], region_code="530103") is None
    assert "拒绝或超时" in why_not(
        lawyer, claims=[ClaimType.WAGE], region_code="530103", exclude_ids=[lawyer.pk]
    )


@pytest.mark.django_db
def test_suggesting_runs_a_fixed_number_of_queries_however_many_lawyers(
    django_assert_num_queries,
):
    for _ in range(3):
        make_lawyer()
    with django_assert_num_queries(3):
        assert len(suggest(claims=INJURY, region_code=CHAOYANG)) == 3
    for _ in range(20):
        make_lawyer(regions=["1101"])
    with django_assert_num_queries(3):
        assert len(suggest(claims=INJURY, region_code=CHAOYANG)) == 23
