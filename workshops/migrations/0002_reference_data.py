"""The 13 systems of the SOC model and the 62 counties of New York State."""

from django.db import migrations
from django.utils.text import slugify

SYSTEMS = [
    ("Mental Health", False),
    ("Public Health", False),
    ("Medical", False),
    ("Caregivers", True),
    ("Care Management", False),
    ("Youth", True),
    ("Education", False),
    ("Juvenile Justice", False),
    ("Community Providers", False),
    ("Developmental Disabilities", False),
    ("Substance Use", False),
    ("Child Welfare", False),
    ("Crisis", False),
]

NEW_YORK_COUNTIES = [
    "Albany", "Allegany", "Bronx", "Broome", "Cattaraugus", "Cayuga", "Chautauqua", "Chemung",
    "Chenango", "Clinton", "Columbia", "Cortland", "Delaware", "Dutchess", "Erie", "Essex",
    "Franklin", "Fulton", "Genesee", "Greene", "Hamilton", "Herkimer", "Jefferson", "Kings",
    "Lewis", "Livingston", "Madison", "Monroe", "Montgomery", "Nassau", "New York", "Niagara",
    "Oneida", "Onondaga", "Ontario", "Orange", "Orleans", "Oswego", "Otsego", "Putnam", "Queens",
    "Rensselaer", "Richmond", "Rockland", "St. Lawrence", "Saratoga", "Schenectady", "Schoharie",
    "Schuyler", "Seneca", "Steuben", "Suffolk", "Sullivan", "Tioga", "Tompkins", "Ulster",
    "Warren", "Washington", "Wayne", "Westchester", "Wyoming", "Yates",
]  # fmt: skip


def load(apps, schema_editor):
    System = apps.get_model("workshops", "System")
    State = apps.get_model("workshops", "State")
    County = apps.get_model("workshops", "County")
    for order, (name, is_voice) in enumerate(SYSTEMS, start=1):
        System.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "order": order, "is_voice": is_voice}
        )
    new_york, _ = State.objects.get_or_create(code="NY", defaults={"name": "New York"})
    # FIPS county codes of New York are the odd numbers 001..123 in alphabetical order.
    for index, name in enumerate(NEW_YORK_COUNTIES):
        County.objects.update_or_create(
            state=new_york, name=name, defaults={"fips": f"36{2 * index + 1:03d}"}
        )


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
