"""Encrypt the stored ID numbers (PIPL art. 51) and add their keyed hash.

Steps: widen the column to text (a token is ~120 characters), add the hash column,
encrypt every clear number in place (while the historical field is still a plain
TextField, so what is read is the clear number), then switch the field to
EncryptedTextField, which changes nothing in the database. Reversible: the reverse
decrypts back to clear text."""

from django.db import migrations, models

import cases.encryption
import cases.validators


def encrypt_existing(apps, schema_editor):
    Worker = apps.get_model("cases", "Worker")
    rows = Worker.objects.exclude(id_number="").values_list("pk", "id_number")
    for pk, clear in rows.iterator():
        Worker.objects.filter(pk=pk).update(
            id_number=cases.encryption.encrypt(clear),
            id_number_hash=cases.encryption.id_number_hash(clear),
        )


def decrypt_existing(apps, schema_editor):
    Worker = apps.get_model("cases", "Worker")
    rows = Worker.objects.exclude(id_number="").values_list("pk", "id_number")
    for pk, token in rows.iterator():
        Worker.objects.filter(pk=pk).update(
            id_number=cases.encryption.decrypt(token), id_number_hash=""
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_status_limits"),
    ]

    operations = [
        migrations.AlterField(
            model_name="worker",
            name="id_number",
            field=models.TextField(
                blank=True,
                validators=[cases.validators.validate_id_number],
                verbose_name="身份证号",
            ),
        ),
        migrations.AddField(
            model_name="worker",
            name="id_number_hash",
            field=cases.encryption.IdNumberHashField(
                db_default="", db_index=True, source="id_number"
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AlterField(
            model_name="worker",
            name="id_number",
            field=cases.encryption.EncryptedTextField(
                blank=True,
                max_length=18,
                validators=[cases.validators.validate_id_number],
                verbose_name="身份证号",
            ),
        ),
    ]
