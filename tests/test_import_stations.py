import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stations.models import Station
from tests.helpers import make_station

HEADER = "code,name,region_code,address,phone,opening_hours,open_24h,services,active\n"


def run_import(tmp_path, body, header=HEADER, encoding="utf-8"):
    path = tmp_path / "stations.csv"
    path.write_bytes((header + body).encode(encoding))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_stations", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        if exc.returncode != 2:  # 2: some rows were not imported (the report says which)
            raise
        err.write(str(exc))
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_creates_good_rows_and_reports_each_bad_row_with_its_line(tmp_path, regions):
    body = (
        "S1,望京驿站,110105,望京街道,010-1,08:00-22:00,否,休息|法律咨询,是\n"
        ",无编号驿站,110105,,,,,,\n"
        "S3,区划错误,11010,,,,,,\n"
        "S4,未知区划,999999,,,,,,\n"
        "S5,服务未知,110105,,,,,洗车,\n"
        "S6,盘龙驿站,530103,北京路,,,1,legal,1\n"
        "S1,重复编号,110105,,,,,,\n"
    )
    out, err = run_import(tmp_path, body)
    assert "新增 2 个驿站" in out
    assert "第 3 行：缺少驿站编号" in err
    assert "第 4 行" in err and "11010" in err
    assert "第 5 行：区划代码“999999”不是有效的 GB/T 2260 代码" in err
    assert "“999999”不是 6 位" not in err  # it has six digits
    assert "第 4 行：区划代码“11010”不是 6 位" in err
    assert "第 6 行" in err and "洗车" in err
    assert "第 8 行" in err and "重复" in err
    s1 = Station.objects.get(code="S1")
    assert s1.services == ["legal", "rest"] and not s1.open_24h
    assert Station.objects.get(code="S6").open_24h


@pytest.mark.django_db
def test_import_updates_existing_stations_by_code(tmp_path):
    make_station(code="S1", name="旧名称")
    out, _err = run_import(tmp_path, "S1,新名称,110105,新地址,,,,,\n")
    assert "更新 1 个" in out
    station = Station.objects.get(code="S1")
    assert (station.name, station.address) == ("新名称", "新地址")


@pytest.mark.django_db
def test_import_reads_chinese_headers_and_gb18030_files(tmp_path):
    header = "驿站编号,名称,区划代码,地址\n"
    out, err = run_import(tmp_path, "G1,骑手之家,530103,昆明\n", header=header, encoding="gb18030")
    assert "新增 1 个驿站" in out, err
    assert Station.objects.get(code="G1").name == "骑手之家"


@pytest.mark.django_db
def test_import_refuses_a_file_without_the_required_columns(tmp_path):
    with pytest.raises(CommandError, match="region_code"):
        run_import(tmp_path, "x,y\n", header="code,name\n")


@pytest.mark.django_db
def test_import_exits_with_status_2_when_rows_were_left_out_so_scripts_can_tell(tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text(HEADER + "S1,望京驿站,110105,,,,,,\n,无编号,110105,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_stations",
            str(path),
            "--no-progress",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert refused.value.returncode == 2 and "1 行未导入" in str(refused.value)
    assert Station.objects.filter(code="S1").exists()  # the good rows are kept
    path.write_text(HEADER + "S2,盘龙驿站,530103,,,,,,\n", encoding="utf-8")
    call_command("import_stations", str(path), "--no-progress", stdout=io.StringIO())  # exit 0
