from django.core.management.base import BaseCommand

from cases.management import demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent). --reset rebuilds the demo cases."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true")

    def handle(self, reset, **options):
        demo.seed(reset=reset)
        self.stdout.write(f"演示数据已就绪。演示账号密码：{demo.DEMO_PASSWORD}")
