# Liaison moves from core (see core's 0003_move_liaison_to_registry, which renamed the table
# to registry_liaison): only the migration state changes here.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_move_liaison_to_registry'),
        ('registry', '0002_search_tails'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Liaison',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('county_township', '县级领导包乡镇'), ('township_village', '乡镇干部包村'), ('village_household', '村干部包户')], max_length=32, verbose_name='包联层级')),
                        ('since', models.DateField(auto_now_add=True, verbose_name='起始日期')),
                        ('division', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='liaisons', to='core.division', verbose_name='包联区划')),
                        ('household', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='liaisons', to='registry.household', verbose_name='包联户')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='liaisons', to=settings.AUTH_USER_MODEL, verbose_name='包联人')),
                    ],
                    options={
                        'verbose_name': '包联',
                        'verbose_name_plural': '包联',
                        'ordering': ['division__path', 'level'],
                        'constraints': [models.UniqueConstraint(fields=('level', 'user', 'division', 'household'), name='liaison_unique', violation_error_message='该包联关系已存在')],
                    },
                ),
            ],
        ),
    ]
