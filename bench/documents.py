"""Render time of each document kind.

For each kind: the median of N runs of `documents.render_pdf` (template + context
queries + WeasyPrint) next to WeasyPrint rendering the same already-rendered HTML
string directly (same fetcher, same stylesheet), and their ratio; and the Word copy
(`docx.html_to_docx` of the same HTML), which every generation now also writes.
Goal: ratio ≤ 1.2 and a one-page form under 0.5 s; the DOCX well under the PDF.

    .venv/bin/python bench/documents.py [--runs 7] [--out DIR]   # --out keeps the PDFs
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite:///:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["PRIVATE_FILES_ROOT"] = os.environ.get("PRIVATE_FILES_ROOT", "/tmp/yizhan-bench-files")


def sample_case():
    import datetime

    from cases.models import Case, Deadline, Milestone, Party
    from tests.helpers import make_case, make_world

    world = make_world()
    region = world.beijing
    case = make_case(
        region.station,
        region.volunteer,
        state=Case.State.RESOLVED,
        lawyer=region.lawyer,
        worker={"name": "张堃", "phone": "+8613800138000", "id_number": "11010519900307123X"},
        claims=["injury", "wage"],
        amount_claimed="38650.50",
        facts="2026年11月2日晚，申请人在为美团平台配送订单途中，于朝阳路与出租车相撞，右脚骨折。"
        "站长拖欠申请人2026年9月至10月劳动报酬共计8650元。",
        parties=[
            {
                "kind": Party.Kind.EMPLOYER,
                "name": "北京某某配送服务有限公司",
                "contact": "北京市朝阳区某路1号",
            },
            {"kind": Party.Kind.PLATFORM, "name": "某某平台公司"},
        ],
    )
    Milestone.objects.create(case=case, kind="accident", date=datetime.date(2026, 11, 2))
    Deadline.objects.create(
        case=case,
        rule="injury.worker_application",
        trigger_date=datetime.date(2026, 11, 2),
        due_date=datetime.date(2027, 11, 2),
        binds="worker",
        status="done",
        citation="工伤保险条例 17(2)",
    )
    return case


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", help="directory to write one PDF of each kind to")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, run_syncdb=True)
    import weasyprint

    from cases.documents import generate as documents
    from cases.documents import rules as document_rules
    from cases.documents.docx import html_to_docx

    case = sample_case()
    print(f"weasyprint {weasyprint.__version__}; {args.runs} runs per kind; median seconds")
    print(f"{'kind':<30}{'render_pdf':>11}{'html only':>11}{'ratio':>8}{'docx':>8}{'pages':>7}")
    documents.render_pdf(case, "receipt")  # warm fonts and template caches
    for kind in document_rules.RULES:
        context = {"access_code": "12345678"} if kind == "receipt" else {}
        full, direct, word = [], [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            pdf = documents.render_pdf(case, kind, **context)
            full.append(time.perf_counter() - t0)
            html = documents.render_html(case, kind, **context)
            t0 = time.perf_counter()
            weasyprint.HTML(
                string=html, base_url=documents.BASE_URL, url_fetcher=documents.StaticOnlyFetcher()
            ).write_pdf()
            direct.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            html_to_docx(html)
            word.append(time.perf_counter() - t0)
        pages = len(
            weasyprint.HTML(
                string=html, base_url=documents.BASE_URL, url_fetcher=documents.StaticOnlyFetcher()
            )
            .render()
            .pages
        )
        a, b = statistics.median(full), statistics.median(direct)
        w = statistics.median(word)
        print(f"{kind:<30}{a:>11.3f}{b:>11.3f}{a / b:>8.2f}{w:>8.3f}{pages:>7}")
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / f"{kind}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
