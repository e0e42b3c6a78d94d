from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from stations.importer import import_stations


class Command(BaseCommand):
    help = (
        "Import or update stations from a CSV file (upsert by station code). Exits 2 when "
        "some rows were not imported (each reported by line), 1 when the file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, path, no_progress, **options):
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="gb18030")  # spreadsheets saved on Chinese Windows
        lines = text.splitlines()
        with tqdm(
            total=max(len(lines) - 1, 0), unit="行", disable=no_progress, file=self.stderr
        ) as bar:
            try:
                report = import_stations(lines, progress=bar)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        for line, reason in report.errors:
            self.stderr.write(f"第 {line} 行：{reason}")
        self.stdout.write(
            f"新增 {report.created} 个驿站，更新 {report.updated} 个，未变 {report.unchanged} 个，"
            f"跳过 {len(report.errors)} 行错误数据。"
        )
        if report.errors:
            # Scripts and cron jobs must be able to tell that rows were left out.
            raise CommandError(f"{len(report.errors)} 行未导入，见上面的行号和原因。", returncode=2)
