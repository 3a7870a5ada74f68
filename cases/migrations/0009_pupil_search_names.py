from django.db import migrations, models

from cases.models import folded


def fold_every_pupils_names(apps, schema_editor):
    Pupil = apps.get_model("cases", "Pupil")
    pupils = list(Pupil.objects.all())
    for pupil in pupils:
        names = (pupil.legal_first_names, pupil.legal_surname, pupil.preferred_name)
        pupil.search_names = folded(" ".join(name for name in names if name))
    Pupil.objects.bulk_update(pupils, ["search_names"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_history_reasons_in_full"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpupil",
            name="search_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="pupil",
            name="search_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fold_every_pupils_names, migrations.RunPython.noop),
    ]
