"""The eight SOC values and principles (seed 002), keyed like the survey's Part A."""

from django.db import migrations

PRINCIPLES = [
    ("child-family", "Child-focused and family-driven", "Centrado en el niño y dirigido por la familia"),
    ("youth-guided", "Youth-guided", "Guiado por los jóvenes"),
    ("collaboration", "Inter-agency collaboration", "Colaboración entre agencias"),
    ("strength-based", "Individualized, strength-based practice",
     "Práctica individualizada y basada en las fortalezas"),
    ("cultural", "Cultural and linguistic competence", "Competencia cultural y lingüística"),
    ("community-based", "Community-based services", "Servicios basados en la comunidad"),
    ("family-participation", "Full participation of families at all levels",
     "Participación plena de las familias en todos los niveles"),
    ("shared-responsibility", "Shared responsibility for outcomes",
     "Responsabilidad compartida por los resultados"),
]  # fmt: skip


def add(apps, schema_editor):
    Principle = apps.get_model("actionplans", "Principle")
    for order, (key, name, name_es) in enumerate(PRINCIPLES, start=1):
        Principle.objects.update_or_create(
            key=key, defaults={"name": name, "name_es": name_es, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("actionplans", "Principle").objects.filter(
        key__in=[key for key, _, _ in PRINCIPLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0001_plan")]
    operations = [migrations.RunPython(add, remove)]
