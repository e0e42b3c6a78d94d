"""The public station finder's "nearest 10 with legal service" at national scale on
PostgreSQL (180,000 stations, about 20,000 of them with legal service), next to a bare
Django view running one indexed query, in the same run. Goal: ratio ≤ 2.

    .venv/bin/python bench/station_finder.py                     # 180,000 stations
    .venv/bin/python bench/station_finder.py --stations 20000    # while iterating

Stations are scattered around the 3,218 seats of government in
stations/data/region_seats.csv (Gaussian, ~10 km), so cities are dense and the west is
sparse, as in life. Both pages go through the full middleware stack via Django's test
Client; the figure is the median server time of N requests after a warm-up. EXPLAIN
shows the bounding-box query using the partial index, not scanning the table.
"""

import json
import os
import random
import time

from _django import copy_rows, mount, print_profile, scratch_django, timed_pair

STATIONS = int(os.environ.get("BENCH_STATIONS", 180_000))
LEGAL_SHARE = 0.11  # 20,000 of 180,000 offer legal help
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 500))
PROFILE = False

# 望京, Beijing (dense), and 那曲, Tibet (sparse: the box must widen), GCJ-02.
DENSE = (39.9965, 116.4807)
SPARSE = (31.4762, 92.0512)


def fill() -> float:
    from django.db import connection
    from django.utils import timezone

    from stations.geo import region_seats

    rng = random.Random(16)
    seats = [(code, lng, lat) for code, (lng, lat) in region_seats().items()]
    seats = [s for s in seats if not s[0].endswith("00")]  # county-level seats
    now = timezone.now().isoformat()
    columns = [
        "id",
        "code",
        "name",
        "region_code",
        "address",
        "phone",
        "opening_hours",
        "open_24h",
        "services",
        "active",
        "lng",
        "lat",
        "mobile",
        "position_updated_at",
        "updated_at",
    ]
    legal = json.dumps(["rest", "water", "charging", "legal"])
    plain = json.dumps(["rest", "water", "charging"])

    def rows():
        for i in range(1, STATIONS + 1):
            code, lng, lat = seats[rng.randrange(len(seats))]
            yield (
                i,
                f"BENCH-{i:06d}",
                f"工会驿站{i}",
                code,
                f"测试路{i}号",
                "0871-6000000",
                "09:00-21:00",
                rng.random() < 0.15,
                legal if rng.random() < LEGAL_SHARE else plain,
                True,
                round(lng + rng.gauss(0, 0.1), 6),
                round(lat + rng.gauss(0, 0.1), 6),
                False,
                now,
                now,
            )

    t = time.perf_counter()
    copy_rows("stations_station", columns, rows())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('stations_station', 'id'), "
            "(SELECT max(id) FROM stations_station))"
        )
        cursor.execute("ANALYZE stations_station")
    return time.perf_counter() - t


def bare_view(request):
    """One indexed query and a plain response: the floor for any page."""
    from django.http import HttpResponse

    from stations.models import Station

    names = list(Station.objects.filter(code=request.GET["c"]).values_list("name", flat=True))
    return HttpResponse(" ".join(names))


def main():
    import argparse

    global STATIONS, REQUESTS, PROFILE
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=STATIONS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    STATIONS, REQUESTS, PROFILE = args.stations, args.requests, args.profile
    with scratch_django(postgres=True, from_models=True):
        measure()


def explain(lat, lng) -> str:
    from django.db import connection

    from stations import finder, geo

    lat_min, lat_max, lng_min, lng_max = geo.bounding_box(lat, lng, finder.FIRST_RADIUS_KM)
    queryset = (
        finder.stations(finder.Filters(legal=True))
        .filter(lat__gte=lat_min, lat__lte=lat_max, lng__gte=lng_min, lng__lte=lng_max)
        .order_by("pk")[:10]
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return " / ".join(r[0].strip() for r in cursor.fetchall() if "Scan" in r[0])


def measure():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from stations.models import Station

    load = fill()
    legal = Station.objects.filter(legal=True).count()
    print(f"stations: {STATIONS:,}  with legal service: {legal:,}  load: {load:.1f} s")
    mount("bench_finder_urls", bare_view)
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        for label, (lat, lng) in (
            ("dense (望京, Beijing)", DENSE),
            ("sparse (那曲, Tibet)", SPARSE),
        ):
            url = f"/stations/?lat={lat}&lng={lng}"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            shown = response.content.decode().count('class="card station-card"')
            print(f"{label}: {shown} stations shown, {len(queries)} queries")
        print(f"EXPLAIN first box: {explain(*DENSE)}")

        url = f"/stations/?lat={DENSE[0]}&lng={DENSE[1]}"
        bare, page = timed_pair(
            client, f"/bench/bare/?c=BENCH-{STATIONS // 2:06d}", url, REQUESTS, warmup=20
        )
        print(f"bare view, one indexed query:        {bare * 1000:.2f} ms (median of {REQUESTS})")
        print(f"finder, nearest 10 with legal help:  {page * 1000:.2f} ms (median of {REQUESTS})")
        print(f"ratio: {page / bare:.2f} (goal ≤ 2)")
        sparse = f"/stations/?lat={SPARSE[0]}&lng={SPARSE[1]}"
        bare, page = timed_pair(
            client, f"/bench/bare/?c=BENCH-{STATIONS // 3:06d}", sparse, REQUESTS // 2
        )
        print(f"sparse area: {page * 1000:.2f} ms, ratio {page / bare:.2f}")
        if PROFILE:
            print_profile(client, url, 200)


if __name__ == "__main__":
    main()
