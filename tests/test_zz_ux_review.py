"""TEMPORARY UX review: screenshots of every role's pages. Delete after review."""

import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.demo import DEMO_PASSWORD
from tests.conftest import DESKTOP, PHONE
from tests.helpers import browser_login

pytestmark = pytest.mark.browser

OUT = Path("/tmp/uxshots")
OUT.mkdir(exist_ok=True)

PROBE = r"""
() => {
  const out = {};
  out.scrollWidth = document.documentElement.scrollWidth;
  out.innerWidth = window.innerWidth;
  const narrow = [];
  const offscreen = [];
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (own.length >= 3) {
      const fs = parseFloat(cs.fontSize);
      const lh = parseFloat(cs.lineHeight) || fs * 1.4;
      if (r.width < fs * 2.6 && r.height > lh * 2.5) {
        narrow.push({tag: el.tagName, cls: el.className, text: own.slice(0, 40), w: Math.round(r.width), h: Math.round(r.height)});
      }
    }
    if ((r.right > window.innerWidth + 1 || r.left < -1) && ['BUTTON','A','INPUT','SELECT','TEXTAREA','TABLE','PRE','LABEL'].includes(el.tagName)) {
      offscreen.push({tag: el.tagName, cls: el.className, text: (el.innerText||el.value||'').slice(0, 40), left: Math.round(r.left), right: Math.round(r.right)});
    }
  }
  out.narrow = narrow.slice(0, 20);
  out.offscreen = offscreen.slice(0, 20);
  out.text = document.body.innerText;
  out.lang = document.documentElement.lang;
  return out;
}
"""

CJK = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff\uff0c\u3002\uff1a\u3001\w ]*")


def shot(page, name):
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    info = page.evaluate(PROBE)
    rec = {
        "name": name,
        "url": page.url,
        "lang": info["lang"],
        "overflow": info["scrollWidth"] > info["innerWidth"],
        "scrollWidth": info["scrollWidth"],
        "innerWidth": info["innerWidth"],
        "narrow": info["narrow"],
        "offscreen": info["offscreen"],
    }
    if info["lang"] == "en":
        rec["cjk"] = sorted(set(m.group().strip() for m in CJK.finditer(info["text"])))[:80]
    (OUT / f"{name}.txt").write_text(info["text"])
    with open(OUT / "report.jsonl", "a") as f:
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def go(page, url, name):
    page.goto(url)
    shot(page, name)


def case_pages(page, prefix, numbers):
    from cases.models import Case

    for i, number in enumerate(numbers):
        go(page, f"/cases/{number}/", f"{prefix}-case{i}")
        case = Case.objects.get(number=number)
        d = case.deadlines.order_by("-status", "due_date").first()
        if d:
            go(page, f"/cases/{number}/deadlines/{d.pk}/", f"{prefix}-case{i}-deadline")


def pick_cases(**filters):
    from cases.models import Case

    return list(Case.objects.filter(**filters).order_by("pk").values_list("number", flat=True))


def switch_language(page, label):
    page.get_by_role("button", name=label).first.click()
    page.wait_for_load_state()


ROLES = os.environ.get("UX_ROLES", "volunteer,coordinator,lawyer,lawyer4,volunteer2,coordinator2,lawyer2").split(",")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_role_pages(new_page, role):
    call_command("seed_demo")
    from cases.models import Case

    for vp_name, vp in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(vp)
        if vp_name == "phone":
            go(page, "/login/", f"{role}-{vp_name}-zh-login")
        browser_login(page, role, DEMO_PASSWORD)
        langs = ["zh", "en"]
        for lang in langs:
            p = f"{role}-{vp_name}-{lang}"
            if lang == "en":
                switch_language(page, "English")
            go(page, "/", f"{p}-home")
            if vp_name == "desktop" and lang == "zh":
                continue  # desktop: English only + a few zh
            if role.startswith("volunteer"):
                go(page, "/cases/", f"{p}-station")
                go(page, "/cases/intake/", f"{p}-intake")
                # submit with errors
                phone = page.locator("#id_phone")
                if phone.count():
                    phone.fill("1381234")
                date = page.locator("input[type=date]").first
                if date.count():
                    date.fill("2099-01-01")
                page.locator("#intake-form button.primary").click()
                shot(page, f"{p}-intake-errors")
                cases = pick_cases(
                    station__membership__user__username=role
                )
                by_state = {}
                for n in cases:
                    s = Case.objects.get(number=n).state
                    by_state.setdefault(s, n)
                case_pages(page, p, list(by_state.values())[: (8 if lang == "zh" and vp_name == "phone" else 2)])
                if by_state:
                    go(page, f"/cases/{list(by_state.values())[0]}/receipt/", f"{p}-receipt")
            elif role.startswith("coordinator"):
                go(page, "/cases/triage/", f"{p}-triage")
                go(page, "/cases/assignments/", f"{p}-assign")
                go(page, "/cases/deadlines/", f"{p}-deadlines")
                go(page, "/cases/closing-reports/", f"{p}-closing")
                region = "110105" if role == "coordinator" else "530103"
                by_state = {}
                for n in pick_cases(region_code=region):
                    s = Case.objects.get(number=n).state
                    by_state.setdefault(s, n)
                nums = list(by_state.values())[: (8 if lang == "zh" and vp_name == "phone" else 3)]
                case_pages(page, p, nums)
                acc = by_state.get("accepted")
                if acc:
                    go(page, f"/cases/{acc}/assign/", f"{p}-assignform")
                ip = by_state.get("in_progress")
                if ip:
                    go(page, f"/cases/{ip}/reassign/", f"{p}-reassign")
            else:
                go(page, "/cases/queue/", f"{p}-queue")
                go(page, "/cases/handed-over/", f"{p}-handed")
                go(page, "/lawyers/me/", f"{p}-profile")
                go(page, "/cases/calendar/", f"{p}-calendar")
                nums = pick_cases(lawyer__user__username=role)
                case_pages(page, p, nums[: (6 if lang == "zh" and vp_name == "phone" else 2)])
                for i, n in enumerate(nums[:1]):
                    go(page, f"/cases/{n}/milestones/new/", f"{p}-milestone")
                    go(page, f"/cases/{n}/decline/", f"{p}-decline")
                    go(page, f"/cases/{n}/my-notes/", f"{p}-mynotes")
                # cases handed over: own notes pages
                from cases.models import Assignment

                for i, a in enumerate(
                    Assignment.objects.filter(lawyer__user__username=role)
                    .exclude(case__lawyer__user__username=role)[:2]
                ):
                    go(page, f"/cases/{a.case.number}/my-notes/", f"{p}-handed-notes{i}")
                    go(page, f"/cases/{a.case.number}/", f"{p}-handed-detail{i}")
            go(page, "/cases/notifications/", f"{p}-notifications")
        page.context.close()
