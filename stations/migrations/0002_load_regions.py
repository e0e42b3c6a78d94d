from django.db import migrations


def load(apps, schema_editor):
    from stations.region_data import load_regions

    load_regions(apps.get_model("stations", "Region"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
