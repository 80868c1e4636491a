"""Trainings, sessions, registrations and qualifications now belong to the qualifications app.

State only: their tables and rows stay (`db_table`), and so does the table of the offers'
required trainings. Their content types follow them, so that granted permissions survive.
"""

from django.db import migrations, models

MOVED = ("training", "trainingsession", "registration", "qualification")


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, "sharing", "qualifications")


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, "qualifications", "sharing")


class Migration(migrations.Migration):

    dependencies = [
        ('qualifications', '0001_initial'),
        ('sharing', '0003_feed_token_hashes'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='registration',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='registration',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='training',
                    name='machine',
                ),
                migrations.RemoveField(
                    model_name='training',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='training',
                    name='process',
                ),
                migrations.RemoveField(
                    model_name='training',
                    name='trainer',
                ),
                migrations.RemoveField(
                    model_name='trainingsession',
                    name='training',
                ),
                migrations.AlterField(
                    model_name='offer',
                    name='required_trainings',
                    field=models.ManyToManyField(blank=True, related_name='offers', to='qualifications.training', verbose_name='required trainings'),
                ),
                migrations.DeleteModel(
                    name='Qualification',
                ),
                migrations.DeleteModel(
                    name='Registration',
                ),
                migrations.DeleteModel(
                    name='Training',
                ),
                migrations.DeleteModel(
                    name='TrainingSession',
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
