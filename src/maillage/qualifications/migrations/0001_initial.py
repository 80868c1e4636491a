"""Trainings, sessions, registrations and qualifications, moved from the sharing app.

State only: the models keep the tables `sharing` created (`db_table`), with their rows.
"""


import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('directory', '0004_membership_host_trainer_roles'),
        ('equipment', '0003_machine_name_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables exist already: the sharing app created them.
        ('sharing', '0003_feed_token_hashes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Training',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('validity_months', models.PositiveSmallIntegerField(default=24, validators=[django.core.validators.MinValueValidator(1)], verbose_name='valid for (months)')),
                        ('idle_lapse_months', models.PositiveSmallIntegerField(blank=True, help_text='Empty: use does not matter.', null=True, verbose_name='lapses after (months without use)')),
                        ('machine', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='trainings', to='equipment.machine')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trainings', to='directory.organisation', verbose_name='given by')),
                        ('process', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='trainings', to='equipment.process')),
                        ('trainer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='trainer')),
                    ],
                    options={
                        'verbose_name': 'training',
                        'verbose_name_plural': 'trainings',
                        'db_table': 'sharing_training',
                        'ordering': ['title'],
                    },
                ),
                migrations.CreateModel(
                    name='Qualification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('issued_at', models.DateTimeField(verbose_name='issued on')),
                        ('expires_at', models.DateTimeField(verbose_name='expires on')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used on')),
                        ('issued_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qualifications', to=settings.AUTH_USER_MODEL)),
                        ('training', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qualifications', to='qualifications.training')),
                    ],
                    options={
                        'verbose_name': 'qualification',
                        'verbose_name_plural': 'qualifications',
                        'db_table': 'sharing_qualification',
                        'ordering': ['-issued_at'],
                    },
                ),
                migrations.CreateModel(
                    name='TrainingSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start', models.DateTimeField(verbose_name='start')),
                        ('end', models.DateTimeField(verbose_name='end')),
                        ('capacity', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='places')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                        ('training', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='qualifications.training')),
                    ],
                    options={
                        'verbose_name': 'training session',
                        'verbose_name_plural': 'training sessions',
                        'db_table': 'sharing_trainingsession',
                        'ordering': ['start'],
                    },
                ),
                migrations.CreateModel(
                    name='Registration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('attended', models.BooleanField(default=False, verbose_name='attended')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='training_registrations', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='qualifications.trainingsession')),
                    ],
                    options={
                        'db_table': 'sharing_registration',
                    },
                ),
                migrations.AddConstraint(
                    model_name='training',
                    constraint=models.CheckConstraint(condition=models.Q(('machine__isnull', False), ('process__isnull', False), _connector='OR'), name='sharing_training_machine_or_process'),
                ),
                migrations.AddConstraint(
                    model_name='qualification',
                    constraint=models.UniqueConstraint(fields=('user', 'training'), name='sharing_qualification_once'),
                ),
                migrations.AddConstraint(
                    model_name='registration',
                    constraint=models.UniqueConstraint(fields=('session', 'user'), name='sharing_registration_once'),
                ),
            ],
        ),
    ]
