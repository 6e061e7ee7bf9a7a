"""The county's default 四对一 duties: per home measure kind, what each seat checks and how often."""

from django.db import migrations

# (measure kind, seat, item, every hours)
DEFAULTS = [
    ("home_isolation", "grid_worker", "door", 12),
    ("home_isolation", "grid_worker", "supplies", 24),
    ("home_isolation", "doctor", "health", 12),
    ("home_isolation", "doctor", "sampling", 24),
    ("home_isolation", "village_cadre", "supplies", 24),
    ("home_isolation", "police", "door", 24),
    ("home_isolation", "township_cadre", "door", 72),
    ("home_monitoring", "grid_worker", "door", 24),
    ("home_monitoring", "doctor", "health", 24),
    ("home_monitoring", "village_cadre", "supplies", 48),
    ("home_monitoring", "police", "door", 72),
    ("home_monitoring", "township_cadre", "door", 72),
]


def add(apps, schema_editor):
    CareTemplate = apps.get_model("grid", "CareTemplate")
    for kind, role, item, hours in DEFAULTS:
        CareTemplate.objects.get_or_create(measure_kind=kind, role=role, item=item, defaults={"every_hours": hours})


def remove(apps, schema_editor):
    apps.get_model("grid", "CareTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("grid", "0007_care_teams_and_notices")]
    operations = [migrations.RunPython(add, remove)]
