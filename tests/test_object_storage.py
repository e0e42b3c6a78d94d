"""Private files in an S3-compatible bucket (issue 18): a real local S3 server (moto in
server mode) behind django-storages and boto3, the production code path. Files stay
private, leave only through the permission-checked, audited views, and a store that is
down refuses cleanly: no row without its file, no file without its row, /healthz 503,
and the same request succeeds once the store is back."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from cases import attachments
from cases.documents import generate as documents
from cases.models import Attachment, CaseEvent, Document
from config.settings import s3_storage
from tests import s3server
from tests.helpers import login, make_case, png_upload

ROOT = Path(__file__).resolve().parent.parent
Kind = Document.Kind
# Ports 18010–18019: one server per xdist worker. 18099 has nothing listening: the
# store that is down.
BASE_PORT = 18010
DOWN_ENDPOINT = "http://127.0.0.1:18099"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory, worker_id):
    index = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    port = BASE_PORT + index
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    process = s3server.start(port, log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        s3server.stop(process)


def use_bucket(settings, endpoint, bucket, **extra):
    environ = {**s3server.env_for(endpoint, bucket), **extra}
    store = s3_storage(environ)
    settings.STORAGES = {**settings.STORAGES, "private": store, "default": store}
    settings.S3_BUCKET = bucket


@pytest.fixture
def bucket(settings, s3_endpoint):
    name = s3server.new_bucket(s3_endpoint)
    use_bucket(settings, s3_endpoint, name)
    return name


def store_down(settings, bucket):
    """The same bucket behind an endpoint nobody answers, failing fast."""
    use_bucket(settings, DOWN_ENDPOINT, bucket, S3_CONNECT_TIMEOUT="1", S3_MAX_ATTEMPTS="1")


def keys(endpoint, bucket) -> list[str]:
    listing = s3server.client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def upload_url(case):
    return reverse("cases:upload_attachments", args=[case.number])


def test_an_attachment_goes_to_the_bucket_and_comes_back_only_through_the_audited_view(
    client, world, bucket, s3_endpoint
):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    upload = png_upload("伤情照片.png")
    sent = upload.read()
    upload.seek(0)
    login(client, volunteer).post(upload_url(case), {"files": [upload]})
    attachment = Attachment.objects.get(case=case)
    assert keys(s3_endpoint, bucket) == [attachment.file.name]

    # Private: only the owner has a grant; no anonymous read.
    s3 = s3server.client(s3_endpoint)
    grants = s3.get_object_acl(Bucket=bucket, Key=attachment.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)

    url = reverse("cases:download_attachment", args=[case.number, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sent
    # RFC 5987: the Chinese name survives every browser.
    assert (
        "filename*=utf-8''%E4%BC%A4%E6%83%85%E7%85%A7%E7%89%87.png"
        in (response["Content-Disposition"])
    )
    assert response["Cache-Control"] == "private, no-store"
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOWNLOAD).count() == 1

    client.logout()
    login(client, world.kunming.volunteer)
    assert client.get(url).status_code == 404


def test_a_generated_document_is_stored_in_the_bucket_and_downloaded_from_it(
    client, world, bucket, s3_endpoint
):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    login(client, volunteer).post(
        reverse("cases:document_generate", args=[case.number, Kind.LEGALAID_APPLICATION])
    )
    document = Document.objects.get(case=case)
    assert keys(s3_endpoint, bucket) == sorted([document.file.name, document.docx.name])
    response = client.get(reverse("cases:document_download", args=[case.number, document.pk]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == document.size
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_healthz_checks_the_bucket(client, settings, bucket, db):
    assert json.loads(client.get("/healthz").content)["files"] == "ok"
    store_down(settings, bucket)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["files"].startswith("error: ")


def test_healthz_is_503_when_the_bucket_is_missing(client, settings, s3_endpoint, db):
    use_bucket(settings, s3_endpoint, "no-such-bucket")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["files"] == "error: ClientError"


def test_an_upload_while_the_store_is_down_is_refused_whole_and_succeeds_later(
    client, world, settings, bucket, s3_endpoint
):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    store_down(settings, bucket)
    login(client, volunteer)
    response = client.post(upload_url(case), {"files": [png_upload()]}, follow=True)
    assert "文件存储暂时无法访问" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.ATTACHMENT).exists()

    use_bucket(settings, s3_endpoint, bucket)  # the store is back: the same request works
    response = client.post(upload_url(case), {"files": [png_upload()]}, follow=True)
    assert "附件已上传" in response.content.decode()
    assert keys(s3_endpoint, bucket) == [Attachment.objects.get().file.name]


def test_the_message_is_translated(client, world, settings, bucket):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    store_down(settings, bucket)
    login(client, volunteer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(upload_url(case), {"files": [png_upload()]}, follow=True)
    assert "file store cannot be reached" in page.content.decode()


def test_generation_while_the_store_is_down_writes_nothing_and_succeeds_later(
    client, world, settings, bucket, s3_endpoint
):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    store_down(settings, bucket)
    url = reverse("cases:document_generate", args=[case.number, Kind.LEGALAID_APPLICATION])
    page = login(client, volunteer).post(url, follow=True).content.decode()
    assert "文件存储暂时无法访问" in page
    assert not Document.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DOCUMENT).exists()

    use_bucket(settings, s3_endpoint, bucket)
    client.post(url)
    document = Document.objects.get()
    assert document.version == 1
    assert keys(s3_endpoint, bucket) == sorted([document.file.name, document.docx.name])


def test_a_failure_after_the_files_were_stored_deletes_them_again(
    world, bucket, s3_endpoint, monkeypatch
):
    # The database refuses the row after both files are in the bucket (a lost
    # connection, a constraint): the files go too.
    case = make_case(world.beijing.station, world.beijing.volunteer)

    def refuse(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(documents.events, "record", refuse)
    with pytest.raises(RuntimeError):
        documents.generate(case, Kind.LEGALAID_APPLICATION, world.beijing.volunteer)
    assert not Document.objects.exists()
    assert keys(s3_endpoint, bucket) == []


def test_a_multi_file_upload_that_fails_at_a_later_file_keeps_none(
    world, bucket, s3_endpoint, monkeypatch
):
    from django.db import transaction

    from config import storage

    case = make_case(world.beijing.station, world.beijing.volunteer)
    with pytest.raises(RuntimeError), storage.written(), transaction.atomic():
        attachments.save_attachment(case, png_upload("一.png"), world.beijing.volunteer)
        assert len(keys(s3_endpoint, bucket)) == 1
        raise RuntimeError("the second file was refused")
    assert not Attachment.objects.exists()
    assert keys(s3_endpoint, bucket) == []


def test_a_download_while_the_store_is_down_says_so(client, world, settings, bucket):
    volunteer = world.beijing.volunteer
    case = make_case(world.beijing.station, volunteer)
    stored = attachments.save_attachment(case, png_upload(), volunteer)
    store_down(settings, bucket)
    url = reverse("cases:download_attachment", args=[case.number, stored.pk])
    page = login(client, volunteer).get(url, follow=True).content.decode()
    assert "文件存储暂时无法访问" in page
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DOWNLOAD).exists()


def test_the_settings_choose_the_bucket_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "o = s.STORAGES['private']['OPTIONS'];"
        "print(s.STORAGES['private']['BACKEND'], o['bucket_name'], o['endpoint_url'],"
        " o['default_acl'], o['client_config'].s3['addressing_style'],"
        " s.STORAGES['default'] == s.STORAGES['private'])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "YIZHAN_ENV_FILE": "",
        "PATH": "/usr/bin:/bin",
        **s3server.env_for("http://127.0.0.1:9000", "yizhan-files"),
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        "storages.backends.s3.S3Storage",
        "yizhan-files",
        "http://127.0.0.1:9000",
        "private",
        "path",
        "True",
    ]
    env.pop("S3_BUCKET")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            + code.split(";o =")[0]
            + ";print(s.STORAGES['private']['BACKEND'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["django.core.files.storage.FileSystemStorage"]


def test_the_backup_manifest_lists_the_bucket_s_files_with_their_hashes(world, bucket):
    import hashlib
    import io

    from django.core.management import call_command

    case = make_case(world.beijing.station, world.beijing.volunteer)
    stored = attachments.save_attachment(case, png_upload(), world.beijing.volunteer)
    out = io.StringIO()
    call_command("backup_manifest", stdout=out)
    files = json.loads(out.getvalue())["files"]
    with stored.file.open("rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    assert files == {stored.file.name: digest}
