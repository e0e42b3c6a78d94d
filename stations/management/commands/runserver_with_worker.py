import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the app and run the django-q2 worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, addrport, **options):
        worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"])
        self.stdout.write(
            f"任务队列已启动（进程 {worker.pid}）。按 Ctrl-C 同时停止网站和任务队列。"
        )
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
