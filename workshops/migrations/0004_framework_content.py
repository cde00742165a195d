"""The framework review shown in the first session: SOC framework, core principles, purpose."""

from django.db import migrations

SECTIONS = [
    (
        "What a system of care is",
        "A system of care is a coordinated network of community services and supports organized "
        "to meet the challenges of serving children with mental health issues and their families."
        "\n\nIt is not a program: it is a philosophy of how supports and services should be "
        "delivered. It recognizes the importance of family, school and community, and promotes "
        "each child's full potential by building on the strengths of the child, family and "
        "community to address physical, emotional, intellectual, cultural and social needs.",
    ),
    (
        "Core values and principles",
        "- Child-focused and family-driven\n- Youth-guided\n- Inter-agency collaboration\n"
        "- Individualized, strength-based practices\n- Cultural and linguistic competence\n"
        "- Community-based services\n- Full participation of families at all levels of the system\n"
        "- Shared responsibility for successful outcomes",
    ),
    (
        "Purpose of this workshop",
        "- Develop a localized map of the children's system of care.\n"
        "- Identify local strengths and resources, and gaps and opportunities.\n"
        "- Develop a preliminary strategic plan to address priority areas for change."
        "\n\nThe survey and data table you completed before the workshop lead the mapping; the "
        "map and the survey results lead to the gaps and priorities; the priorities lead to "
        "the county's action plan.",
    ),
]


def load(apps, schema_editor):
    FrameworkSection = apps.get_model("workshops", "FrameworkSection")
    for order, (title, body) in enumerate(SECTIONS, start=1):
        FrameworkSection.objects.get_or_create(title=title, defaults={"order": order, "body": body})


class Migration(migrations.Migration):
    dependencies = [("workshops", "0003_lifecycle")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
