"""Feed secrets are kept as SHA-256 only, and out of the offers' history.

Addresses already handed out keep working (their secret's hash is stored); the clear
secrets leave the history table with its column.
"""

import hashlib

from django.db import migrations, models

import maillage.sharing.models


def _sha256(value):
    return hashlib.sha256(value.encode()).hexdigest()


def hash_tokens(apps, schema_editor):
    Offer = apps.get_model("sharing", "Offer")
    CalendarToken = apps.get_model("sharing", "CalendarToken")
    for pk, token in Offer.objects.values_list("pk", "feed_token"):
        Offer.objects.filter(pk=pk).update(feed_token_hash=_sha256(token))
    for pk, token in CalendarToken.objects.values_list("pk", "token"):
        CalendarToken.objects.filter(pk=pk).update(token_hash=_sha256(token))


class Migration(migrations.Migration):
    dependencies = [("sharing", "0002_no_overlapping_bookings")]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="feed_token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="calendartoken",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="offer", name="feed_token"),
        migrations.RemoveField(model_name="historicaloffer", name="feed_token"),
        migrations.RemoveField(model_name="calendartoken", name="token"),
        migrations.AlterField(
            model_name="offer",
            name="feed_token_hash",
            field=models.CharField(
                default=maillage.sharing.models.unknown_secret_hash, max_length=64, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="calendartoken",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
