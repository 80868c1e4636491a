"""Invitations keep only the SHA-256 of their secret; links already sent keep working."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    Invitation = apps.get_model("directory", "Invitation")
    for pk, token in Invitation.objects.values_list("pk", "token"):
        digest = hashlib.sha256(token.encode()).hexdigest()
        Invitation.objects.filter(pk=pk).update(token_hash=digest)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_reference_data")]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
