"""Load the capability taxonomy shipped in equipment/data/processes.csv."""

from django.db import migrations


def load(apps, schema_editor):
    from maillage.equipment.taxonomy import path_for, read_processes

    Process = apps.get_model("equipment", "Process")
    by_code = {}
    for row in read_processes():
        parent = by_code.get(row.parent_code)
        process, _created = Process.objects.update_or_create(
            code=row.code,
            defaults={
                "parent": parent,
                "path": path_for(row.code, parent.path if parent else None),
                "depth": parent.depth + 1 if parent else 0,
                "label_fr": row.label_fr,
                "label_en": row.label_en,
                "label_de": row.label_de,
                "wikidata": row.wikidata,
                "fablabs_key": row.fablabs_key,
                "source": row.source,
                "position": row.position,
            },
        )
        by_code[row.code] = process


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
