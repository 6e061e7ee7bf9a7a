# Liaison (三级分包) is a domain model: it moves to the registry app (core holds no domain
# models). The table is renamed here and the model leaves core's state; registry's
# 0003_liaison_from_core takes it over without touching the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name='liaison', table='registry_liaison')],
            state_operations=[migrations.DeleteModel(name='liaison')],
        ),
    ]
