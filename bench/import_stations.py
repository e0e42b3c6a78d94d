"""Import 20,000 stations from CSV (the issue's goal: well under a minute). Prints the figure.

.venv/bin/python bench/import_stations.py [--postgres] [--rows 20000]
"""

import argparse
import random
import tempfile
import time
from pathlib import Path

from _django import scratch_django


def write_csv(path: Path, rows: int, suffix: str = "") -> None:
    rng = random.Random(7)
    districts = ["110105", "110108", "530103", "530102", "440106", "310115", "510107"]
    with path.open("w", encoding="utf-8") as f:
        f.write("code,name,region_code,address,phone,opening_hours,open_24h,services,active\n")
        for i in range(rows):
            d = rng.choice(districts)
            f.write(
                f"ST{i:06d},第{i}号骑手驿站{suffix},{d},某街道{i}号,010-{i:08d},08:00-22:00,"
                f"{rng.choice('是否')},休息|饮水|充电|法律咨询,是\n"
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with scratch_django(postgres=args.postgres):
        from django.core.management import call_command

        from stations.models import Station

        path = Path(tempfile.mkdtemp()) / "stations.csv"
        for label, suffix in (
            ("all new", ""),
            ("all unchanged", ""),
            ("all renamed (updates)", "·新"),
        ):
            write_csv(path, args.rows, suffix)
            start = time.perf_counter()
            call_command(
                "import_stations", str(path), "--no-progress", stdout=open("/dev/null", "w")
            )
            elapsed = time.perf_counter() - start
            print(
                f"import_stations {args.rows} rows, {label}: {elapsed:.2f} s "
                f"({args.rows / elapsed:,.0f} rows/s)"
            )
        assert Station.objects.count() == args.rows


if __name__ == "__main__":
    main()
