"""The ID number is encrypted at rest (cases/encryption.py): the column holds a token,
duplicates are matched by a keyed hash, and the key rotates without downtime."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases.encryption import DecryptionFailed, id_number_hash
from cases.models import Case, Worker
from tests.helpers import login, make_case
from tests.test_settings import PROD, run_manage

ID = "11010519491231002X"
KEY_A = "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA="  # the tests' key (pyproject)
KEY_B = Fernet.generate_key().decode()


def stored(worker) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_hash FROM cases_worker WHERE id = %s", [worker.pk]
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_column_holds_a_token_not_the_number(world):
    case = make_case(world.beijing.station, worker={"id_number": ID})
    token, digest = stored(case.worker)
    assert ID not in token and "19491231" not in token
    assert Fernet(KEY_A).decrypt(token.encode()).decode() == ID
    assert len(digest) == 64 and ID not in digest
    assert Worker.objects.get(pk=case.worker.pk).id_number == ID
    assert case.worker.masked_id_number == "110***********002X"  # masked as before


@pytest.mark.django_db
def test_a_worker_without_an_id_number_stores_nothing(world):
    case = make_case(world.beijing.station)
    assert stored(case.worker) == ("", "")


@pytest.mark.django_db
def test_the_encrypted_column_cannot_be_searched_directly(world):
    make_case(world.beijing.station, worker={"id_number": ID})
    with pytest.raises(FieldError, match="keyed hash"):
        list(Worker.objects.filter(id_number=ID))
    assert Worker.objects.with_id_number(ID.lower()).count() == 1
    assert Worker.objects.with_id_number("110105194912310011").count() == 0


@pytest.mark.django_db
def test_intake_matches_a_duplicate_by_id_number_on_a_new_phone(client, world, settings):
    volunteer = world.beijing.volunteer
    first = make_case(
        world.beijing.station,
        volunteer,
        worker={"name": "李大壮", "phone": "13800138000", "id_number": ID},
    )
    second = make_case(
        world.beijing.station,
        volunteer,
        worker={"name": "李大壮", "phone": "13900139000", "id_number": ID},
    )
    assert second.worker_id == first.worker_id
    assert str(Worker.objects.get(pk=first.worker_id).phone) == "+8613900139000"
    # The change of phone is on both cases' logs, as every change to a worker's details.
    for case in (first, second):
        assert case.events.filter(kind="worker", data__fields=["phone"]).exists()


@pytest.mark.django_db
def test_the_same_id_number_under_another_name_is_not_merged(world):
    volunteer = world.beijing.volunteer
    first = make_case(world.beijing.station, volunteer, worker={"name": "李大壮", "id_number": ID})
    other = make_case(world.beijing.station, volunteer, worker={"name": "张三", "id_number": ID})
    assert other.worker_id != first.worker_id


@pytest.mark.django_db
def test_the_admin_finds_a_worker_by_id_number(admin_client, world):
    case = make_case(world.beijing.station, worker={"name": "孙三", "id_number": ID})
    make_case(world.beijing.station, worker={"name": "孙四"})
    page = admin_client.get(reverse("admin:cases_worker_changelist"), {"q": ID.lower()})
    html = page.content.decode()
    assert case.worker.name in html and "孙四" not in html


@pytest.mark.django_db
def test_revealing_on_the_case_page_shows_the_decrypted_number(client, world):
    case = make_case(world.beijing.station, worker={"id_number": ID})
    login(client, world.beijing.volunteer)
    assert ID in client.post(reverse("cases:reveal", args=[case.number])).content.decode()


@pytest.mark.django_db
def test_key_rotation_re_encrypts_everything_and_keeps_matching(world, settings, capsys):
    workers = [
        make_case(world.beijing.station, worker={"name": f"工人{i}", "id_number": number}).worker
        for i, number in enumerate([ID, "110105194912310011"])
    ]
    old_hashes = [stored(w)[1] for w in workers]
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    settings.FIELD_ENCRYPTION_OLD_KEYS = [KEY_A]
    # Mid-rotation: old tokens still read, and duplicates still match by the old hash.
    assert Worker.objects.get(pk=workers[0].pk).id_number == ID
    assert Worker.objects.with_id_number(ID).get().pk == workers[0].pk
    call_command("rotate_field_key", "--check")
    assert "2 ID number(s) still encrypted under an old key" in capsys.readouterr().out
    call_command("rotate_field_key")
    assert "Re-encrypted 2 ID number(s)" in capsys.readouterr().out
    for worker, old_hash in zip(workers, old_hashes, strict=True):
        token, digest = stored(worker)
        assert Fernet(KEY_B).decrypt(token.encode()).decode() == worker.id_number
        assert digest == id_number_hash(worker.id_number, KEY_B) != old_hash
    # The old key can go now.
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert Worker.objects.get(pk=workers[1].pk).id_number == "110105194912310011"
    assert Worker.objects.with_id_number(ID).get().pk == workers[0].pk
    call_command("rotate_field_key", "--check")
    assert "0 ID number(s) still encrypted" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_missing_old_key_is_a_clear_error_not_garbage(world, settings):
    case = make_case(world.beijing.station, worker={"id_number": ID})
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(DecryptionFailed, match="FIELD_ENCRYPTION_OLD_KEYS"):
        Worker.objects.get(pk=case.worker.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_numbers_already_stored(settings):
    """Rows written before encryption (clear text in the column) are encrypted in place."""
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0004_caseevent_kinds")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_worker (name, phone, id_number, platform, arrangement, created_at)"
            " VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
            ["老住户", "+8613800138000", ID, "meituan", "crowd"],
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    worker = Worker.objects.get(name="老住户")
    token, digest = stored(worker)
    assert ID not in token and worker.id_number == ID
    assert digest == id_number_hash(ID)
    assert Case.objects.count() == 0


def test_production_refuses_to_start_without_an_encryption_key():
    result = run_manage("check", env={**PROD, "FIELD_ENCRYPTION_KEY": ""})
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEY" in result.stderr


def test_a_malformed_key_is_refused_with_a_hint():
    result = run_manage(
        "shell",
        "-c",
        "from cases.encryption import encrypt; encrypt('x')",
        env={**PROD, "FIELD_ENCRYPTION_KEY": "too-short"},
    )
    assert result.returncode != 0 and "Fernet" in result.stderr
