from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("symbiosis", "0002_list_of_waste")]

    operations = [
        migrations.AddField(
            model_name="collectionround",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
        ),
    ]
