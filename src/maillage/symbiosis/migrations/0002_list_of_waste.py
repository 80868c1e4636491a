"""Load the European List of Waste shipped in symbiosis/data/list_of_waste.csv."""

from django.db import migrations


def load(apps, schema_editor):
    from maillage.core.text import fold
    from maillage.symbiosis.codes import read_list_of_waste

    WasteCode = apps.get_model("symbiosis", "WasteCode")
    for entry in read_list_of_waste():  # chapters come before their sections and entries
        WasteCode.objects.update_or_create(
            code=entry.code,
            defaults={
                "level": entry.level,
                "parent_id": entry.parent or None,
                "hazardous": entry.hazardous,
                "entry_type": entry.entry_type,
                "description_fr": entry.description_fr,
                "description_en": entry.description_en,
                "search_text": fold(
                    f"{entry.code} {entry.code.replace(' ', '')} "
                    f"{entry.description_fr} {entry.description_en}"
                ),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("symbiosis", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
