import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Serve the app and run the django-q2 worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, addrport, **options):
        # Its own process group, so stopping it also stops the cluster's worker
        # processes, however this command itself is stopped (Ctrl-C or SIGTERM).
        worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"], start_new_session=True)
        signal.signal(signal.SIGTERM, _interrupt)
        self.stdout.write(
            f"任务队列已启动（进程 {worker.pid}）。按 Ctrl-C 同时停止网站和任务队列。"
        )
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
