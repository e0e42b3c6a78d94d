"""The public station finder, station coordinates (import, admin, a station's own
position page) and the self-help posters."""

import io
import re
import subprocess
import zipfile

import pytest
from django.urls import reverse

from cases.models import PosterBatch
from cases.selfhelp import posters
from stations import finder, geo
from stations.importer import import_stations
from stations.models import Service, Station
from tests.helpers import login, make_station, make_volunteer

# (name, lng, lat) around 望京, Beijing (GCJ-02)
HERE = (39.9965, 116.4807)


def place(name, lng, lat, services=(Service.LEGAL,), **kwargs):
    kwargs.setdefault("region_code", "110105")
    return make_station(name=name, lng=lng, lat=lat, services=list(services), **kwargs)


@pytest.fixture
def beijing(db):
    return {
        "near": place("近站", 116.4830, 39.9970),  # ~0.2 km
        "mid": place("中站", 116.4600, 39.9500, open_24h=True),  # ~5.5 km
        "far": place("远站", 116.3000, 39.9000),  # ~18 km
        "no_legal": place("无法律服务站", 116.4810, 39.9966, services=[Service.WATER]),
        "inactive": place("停用站", 116.4808, 39.9965, active=False),
        "no_position": place("没坐标站", None, None),
    }


def names(response):
    """Station names on the page, in order (the Jinja2 pages give the test client no
    context)."""
    return re.findall(r'<article class="card station-card">\s*<h2>([^<]+)</h2>', text(response))


def text(response):
    return response.content.decode()


def distances(response):
    """The distances shown, in km."""
    found = re.findall(
        r'<span class="distance">(?:约|不到) ([\d.]+) (米|公里)</span>', text(response)
    )
    return [float(n) / 1000 if unit == "米" else float(n) for n, unit in found]


# ---------------------------------------------------------------------------
# Near me


@pytest.mark.django_db
def test_near_me_lists_stations_with_legal_service_nearest_first(client, beijing):
    response = client.get(reverse("stations:finder"), {"lat": HERE[0], "lng": HERE[1]})
    assert response.status_code == 200
    assert names(response) == ["近站", "中站", "远站"]
    kms = distances(response)
    assert kms == sorted(kms) and kms[0] < 0.5 and 15 < kms[2] < 20


@pytest.mark.django_db
def test_the_filters_legal_service_and_24_hours(client, beijing):
    base = {"lat": HERE[0], "lng": HERE[1], "f": "1"}
    every = client.get(reverse("stations:finder"), base)
    assert names(every) == ["无法律服务站", "近站", "中站", "远站"]
    legal_24h = client.get(reverse("stations:finder"), {**base, "legal": "1", "h24": "1"})
    assert names(legal_24h) == ["中站"]


@pytest.mark.django_db
def test_near_me_widens_until_it_has_ten_and_stops_at_what_there_is(beijing):
    found = finder.nearest(*HERE, finder.Filters(legal=True), limit=2)
    assert [s.name for s, _km in found] == ["近站", "中站"]
    found = finder.nearest(*HERE, finder.Filters(legal=True))
    assert [s.name for s, _km in found] == ["近站", "中站", "远站"]


@pytest.mark.django_db
def test_a_gps_position_is_converted_to_gcj02_before_searching(client, beijing):
    # The WGS-84 reading that lands on 近站 once converted (GCJ-02 sits ~600 m east).
    lng, lat = 116.4830 - 0.00625, 39.9970 - 0.00135
    assert geo.distance_km(lat, lng, 39.9970, 116.4830) > 0.4
    response = client.get(
        reverse("stations:finder"), {"lat": lat, "lng": lng, "src": "gps", "f": "1", "legal": "1"}
    )
    assert distances(response)[0] < 0.1


@pytest.mark.django_db
def test_a_position_outside_china_or_garbage_falls_back_to_regions(client, beijing):
    for params in ({"lat": "48.85", "lng": "2.35"}, {"lat": "abc", "lng": "1e999"}):
        response = client.get(reverse("stations:finder"), params)
        assert response.status_code == 200
        assert "无法识别您的位置" in response.content.decode()


# ---------------------------------------------------------------------------
# By region, without JavaScript


@pytest.mark.django_db
def test_the_region_tree_goes_from_country_to_district_by_links(client, regions, beijing):
    place("昆明站", 102.7195, 25.0530, region_code="530103")
    country = client.get(reverse("stations:finder")).content.decode()
    assert "北京市" in country and "?region=11&amp;" in country
    province = client.get(reverse("stations:finder"), {"region": "11"})
    assert "?region=110105&amp;" in text(province)  # a municipality: its districts
    assert sorted(names(province)) == sorted(["中站", "没坐标站", "近站", "远站"])
    yunnan = client.get(reverse("stations:finder"), {"region": "53"})
    assert ">昆明市</a>" in text(yunnan) and "?region=5301&amp;" in text(yunnan)
    district = client.get(reverse("stations:finder"), {"region": "530103"})
    assert names(district) == ["昆明站"]
    path = re.search(r'<nav class="region-path".*?</nav>', text(district), re.S).group()
    assert re.findall(r">([^<>›\s]+)</(?:a|strong)>", path) == [
        "全国",
        "云南省",
        "昆明市",
        "盘龙区",
    ]
    assert client.get(reverse("stations:finder"), {"region": "x'--"}).status_code == 200


@pytest.mark.django_db
def test_each_card_has_a_phone_link_map_links_without_a_key_and_the_self_help_link(client, beijing):
    text = client.get(reverse("stations:finder"), {"region": "110105"}).content.decode()
    near = beijing["near"]
    assert f'href="tel:{near.phone}"' in text
    assert "https://uri.amap.com/marker?position=116.483%2C39.997" in text
    assert "https://api.map.baidu.com/marker?location=39.997%2C116.483" in text
    assert "coord_type=gcj02" in text and "key=" not in text and "ak=" not in text
    assert reverse("selfhelp:start", args=[near.code]) in text


@pytest.mark.django_db
def test_near_me_is_one_query_where_stations_are_dense(client, db, django_assert_num_queries):
    for n in range(12):
        place(f"站{n}", 116.4807 + n * 0.001, 39.9965)
    with django_assert_num_queries(1):
        response = client.get(reverse("stations:finder"), {"lat": HERE[0], "lng": HERE[1]})
    assert len(names(response)) == finder.NEAR_LIMIT


@pytest.mark.django_db
def test_where_stations_are_sparse_the_box_widens_a_bounded_number_of_times(
    client, beijing, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get(reverse("stations:finder"), {"lat": HERE[0], "lng": HERE[1]})
    with django_assert_max_num_queries(4):
        client.get(reverse("stations:finder"), {"region": "110105"})


# ---------------------------------------------------------------------------
# Coordinates


@pytest.mark.parametrize(
    ("region", "lng", "lat", "message"),
    [
        ("110105", 116.4807, 39.9965, None),
        ("530103", 102.7195, 25.0530, None),
        ("650102", 87.6, 43.8, None),
        ("110105", 39.9965, 116.4807, "填反了"),
        ("110105", 2.35, 48.85, "不在中国境内"),
        ("110105", 117.20, 39.13, "超过 80 公里"),  # Tianjin, coded as Beijing
        ("530103", 116.4807, 39.9965, "超过 80 公里"),
    ],
)
def test_coordinates_must_be_in_china_and_near_the_stations_region(region, lng, lat, message):
    if message is None:
        geo.check_position(region, lng, lat)
    else:
        with pytest.raises(Exception, match=message):
            geo.check_position(region, lng, lat)


@pytest.mark.django_db
def test_import_reads_lng_lat_and_reports_bad_positions_by_line(regions):
    lines = [
        "code,name,region_code,services,lng,lat",
        "A1,望京,110105,法律咨询,116.4807,39.9965",
        "A2,反了,110105,,39.9965,116.4807",
        "A3,天津,110105,,117.20,39.13",
        "A4,半个,110105,,116.48,",
        "A5,文字,110105,,东经116,39.9",
        "A6,没有,110105,,,",
    ]
    report = import_stations(lines)
    assert report.created == 2
    assert [line for line, _reason in report.errors] == [3, 4, 5, 6]
    reasons = dict(report.errors)
    assert "填反了" in reasons[3] and "超过 80 公里" in reasons[4]
    assert "同时填写" in reasons[5] and "十进制度数" in reasons[6]
    a1 = Station.objects.get(code="A1")
    assert (a1.lng, a1.lat, a1.legal) == (116.4807, 39.9965, True)
    assert a1.position_updated_at is not None
    assert Station.objects.get(code="A6").lat is None


@pytest.mark.django_db
def test_a_file_without_position_columns_keeps_stored_positions(regions):
    import_stations(["code,name,region_code,lng,lat", "A1,望京,110105,116.4807,39.9965"])
    report = import_stations(["code,name,region_code,phone", "A1,望京,110105,010-1"])
    assert report.updated == 1
    assert Station.objects.get(code="A1").lng == 116.4807


@pytest.mark.django_db
def test_the_admin_refuses_an_implausible_position(admin_client, world):
    station = world.kunming.station
    url = reverse("admin:stations_station_change", args=[station.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "services"}
    data.update(services='["legal"]', lng="116.4807", lat="39.9965", union="")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "超过" in response.content.decode()
    data.update(lng="102.7195", lat="25.0530")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    station.refresh_from_db()
    assert (station.lng, station.lat) == (102.7195, 25.053)


@pytest.mark.django_db
def test_a_mobile_stations_volunteer_updates_its_position(client, world):
    station = world.beijing.station
    volunteer = world.beijing.volunteer
    url = reverse("stations:position", args=[station.code])
    login(client, volunteer)
    assert client.get(url).status_code == 404  # a fixed station: the coordinator's job
    Station.objects.filter(pk=station.pk).update(mobile=True)
    bad = client.post(url, {"lng": "102.7", "lat": "25.05"})
    assert bad.status_code == 400 and "超过" in bad.content.decode()
    gps = client.post(url, {"lng": "116.474475", "lat": "39.995150", "src": "gps"})
    assert gps.status_code == 302
    station.refresh_from_db()
    assert abs(station.lng - 116.4807) < 0.0005 and abs(station.lat - 39.9965) < 0.0005
    assert station.position_updated_at is not None
    # Another station's volunteer cannot, even for a mobile station.
    login(client, make_volunteer(world.kunming.station))
    assert client.get(url).status_code == 404
    login(client, world.beijing.coordinator)
    assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------
# Posters


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "poster.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


@pytest.mark.django_db
def test_a_volunteer_downloads_their_stations_poster_with_its_qr_code(
    client, world, tmp_path, settings
):
    settings.PUBLIC_URL = "https://legal.example.org"
    station = world.beijing.station
    login(client, world.beijing.volunteer)
    page = client.get(reverse("cases:posters")).content.decode()
    assert station.name in page and world.kunming.station.name not in page
    response = client.get(reverse("cases:poster", args=[station.code]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert station.name in text and "12351" in text
    assert f"https://legal.example.org/s/{station.code}/" in text
    assert "https://legal.example.org/status/" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "poster.pdf")], capture_output=True, text=True
    ).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    assert client.get(reverse("cases:poster", args=[world.kunming.station.code])).status_code == 404


@pytest.mark.django_db
def test_a_coordinator_downloads_all_posters_of_the_region_as_one_zip(
    client, world, django_capture_on_commit_callbacks, tmp_path
):
    other = make_station(region_code="110105", name="第二站")
    login(client, world.beijing.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:posters"), {"region": ""})
    batch = PosterBatch.objects.get()
    assert response.url == reverse("cases:posters_progress", args=[batch.pk])
    assert batch.status == PosterBatch.Status.DONE and batch.total == 2
    progress = client.get(response.url).content.decode()
    assert "下载 2 张海报（ZIP）" in progress
    archive = client.get(reverse("cases:posters_zip", args=[batch.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert sorted(names) == sorted(posters.poster_name(s) for s in (world.beijing.station, other))
    # Another coordinator cannot see this batch; a volunteer cannot start one.
    login(client, world.kunming.coordinator)
    assert client.get(response.url).status_code == 404
    login(client, world.beijing.volunteer)
    refused = client.post(reverse("cases:posters"), {"region": ""}, follow=True)
    assert "只有工会协调员可以批量下载海报" in refused.content.decode()
    assert PosterBatch.objects.count() == 1
