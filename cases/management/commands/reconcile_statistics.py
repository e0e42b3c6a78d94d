"""`manage.py reconcile_statistics`: rebuild and repair the statistics rollup now.

The nightly task runs the same function (`cases.tasks.reconcile_statistics`); an
operator runs this after loading or correcting data by hand, or after an upgrade that
adds a metric, instead of waiting for the night. Safe to run twice; writers wait
while it runs (see `cases.statistics.rollup.reconcile`).
"""

import time

from django.core.management.base import BaseCommand

from cases.statistics import rollup


class Command(BaseCommand):
    help = "重新计算统计汇总表并修复与案件数据不一致之处。"

    def handle(self, **options):
        started = time.monotonic()
        result = rollup.reconcile()
        self.stdout.write(
            f"省份 {result['provinces']} 个，修复统计格 {result['cells_fixed']} 个，"
            f"用时 {time.monotonic() - started:.1f} 秒。"
        )
