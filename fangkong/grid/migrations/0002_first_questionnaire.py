from django.db import migrations


def first_version(apps, schema_editor):
    from fangkong.grid.questions import FIRST_QUESTIONS, FIRST_TITLE

    Questionnaire = apps.get_model("grid", "Questionnaire")
    if not Questionnaire.objects.exists():
        Questionnaire.objects.create(number=1, title=FIRST_TITLE, questions=FIRST_QUESTIONS, note="首版")


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [migrations.RunPython(first_version, migrations.RunPython.noop)]
