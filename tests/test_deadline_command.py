"""`manage.py deadline RULE YYYY-MM-DD [--extended] [--json]`."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.models import HolidayOverride

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_prints_the_due_date_first_then_the_explanation_in_chinese():
    lines = run("civil.appeal", "2026-09-16").splitlines()
    assert lines[0] == "2026-10-08"
    text = "\n".join(lines[1:])
    assert "《民事诉讼法》第一百七十一条" in text
    assert "2026-10-01" in text and "顺延" in text
    assert "结果确定" in text


def test_json_prints_one_object_with_the_agreed_keys():
    data = json.loads(run("labor.suit_after_award", "2026-02-13", "--json"))
    assert data == {
        "rule": "labor.suit_after_award",
        "trigger": "2026-02-13",
        "due": "2026-02-28",
        "provisional": False,
        "rolled_over": False,
        "makeup_workday": True,
        "citation": "《劳动争议调解仲裁法》第四十八条、第五十条",
    }


def test_extended_applies_the_statutory_extension():
    assert (
        run("labor.arbitration_award", "2026-03-02", "--extended").splitlines()[0] == "2026-05-06"
    )
    assert run("labor.arbitration_award", "2026-03-02").splitlines()[0] == "2026-04-16"


def test_a_2027_result_says_it_is_provisional():
    data = json.loads(run("civil.appeal", "2026-12-17", "--json"))
    assert data["due"] == "2027-01-04" and data["provisional"] is True
    text = run("civil.appeal", "2026-12-17")
    assert "暂定" in text and "稳妥日期：2027-01-01" in text


def test_an_admin_override_changes_the_answer():
    HolidayOverride.objects.create(date=datetime.date(2027, 1, 4), kind="restday", note="测试")
    assert run("civil.appeal", "2026-12-17").splitlines()[0] == "2027-01-05"


@pytest.mark.parametrize(
    "args",
    [
        ("no.such.rule", "2026-01-01"),
        ("civil.appeal", "2026-02-30"),
        ("civil.appeal", "2026-9-1"),
        ("civil.appeal", "yesterday"),
    ],
)
def test_unknown_rule_or_bad_date_is_a_clear_error_with_exit_code_2(args):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 2
    assert "未知的期限规则" in str(exc.value) or "日期格式不正确" in str(exc.value)


def test_the_real_command_line_exits_with_code_2():
    proc = subprocess.run(
        [sys.executable, "manage.py", "deadline", "no.such.rule", "2026-01-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "未知的期限规则" in proc.stderr


@pytest.mark.parametrize(
    "rule, trigger, extended, due",
    [
        ("traffic.liability_review", "2026-09-29", False, "2026-10-09"),
        ("civil.appeal_ruling", "2026-09-21", False, "2026-10-08"),
        ("admin.appeal", "2026-04-20", False, "2026-05-06"),
        ("admin.appeal_ruling", "2026-06-09", False, "2026-06-22"),
        ("injury.acceptance", "2026-02-01", False, "2026-02-24"),
        ("civil.payment_order_objection", "2025-09-16", False, "2025-10-09"),
        ("admin.reconsideration_decision", "2026-08-02", False, "2026-10-08"),
        ("admin.reconsideration_decision", "2026-08-02", True, "2026-11-02"),
        # The date given is the day the 复议 period ended.
        ("admin.lawsuit_after_reconsideration_silence", "2026-10-08", False, "2026-10-23"),
        ("injury.reappraisal_conclusion", "2026-07-27", True, "2026-10-26"),
        ("civil.judicial_confirmation", "2026-04-05", False, "2026-05-06"),
        ("civil.preservation_suit", "2026-01-17", False, "2026-02-24"),
        ("labor.suit_after_set_aside", "2026-09-10", False, "2026-09-28"),
    ],
)
def test_the_new_rules_answer_through_the_command(rule, trigger, extended, due):
    args = [rule, trigger, "--json"] + (["--extended"] if extended else [])
    data = json.loads(run(*args))
    assert (data["rule"], data["trigger"], data["due"], data["provisional"]) == (
        rule,
        trigger,
        due,
        False,
    )
    assert "第" in data["citation"] and "条" in data["citation"]


def test_a_database_never_migrated_gets_the_advice_to_migrate_not_a_traceback(tmp_path):
    empty = tmp_path / "never-migrated.sqlite3"
    proc = subprocess.run(
        [sys.executable, "manage.py", "deadline", "civil.appeal", "2026-12-17", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{empty}"},
    )
    assert proc.returncode == 2
    assert "python manage.py migrate" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
