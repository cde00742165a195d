"""The default Local Infrastructure Self-Assessment Survey and Administrative Data Table rows."""

from django.db import migrations

AGREE = [
    ("1", "Strongly disagree", "Totalmente en desacuerdo"),
    ("2", "Disagree", "En desacuerdo"),
    ("3", "Neither agree nor disagree", "Ni de acuerdo ni en desacuerdo"),
    ("4", "Agree", "De acuerdo"),
    ("5", "Strongly agree", "Totalmente de acuerdo"),
]
DEVELOPED = [
    ("1", "Not developed", "Nada desarrollado"),
    ("2", "Slightly developed", "Poco desarrollado"),
    ("3", "Somewhat developed", "Algo desarrollado"),
    ("4", "Well developed", "Bien desarrollado"),
    ("5", "Fully developed", "Totalmente desarrollado"),
]
ROLES = [
    ("leadership", "Leadership", "Liderazgo"),
    ("frontline", "Frontline staff", "Personal de primera línea"),
    ("family", "Family member or caregiver", "Familiar o cuidador"),
    ("youth", "Youth", "Joven"),
]
DIMENSIONS = [
    ("availability", "Availability", "Disponibilidad"),
    ("accessibility", "Accessibility", "Accesibilidad"),
    ("coordination", "Coordination with other systems", "Coordinación con otros sistemas"),
]
PRINCIPLES = [
    ("child-family", "Services are child-focused and family-driven.",
     "Los servicios se centran en el niño y son dirigidos por la familia."),
    ("youth-guided", "Services are youth-guided.", "Los servicios son guiados por los jóvenes."),
    ("collaboration", "Agencies collaborate across systems.",
     "Las agencias colaboran entre sistemas."),
    ("strength-based", "Practice is individualized and strength-based.",
     "La práctica es individualizada y basada en las fortalezas."),
    ("cultural", "Services are culturally and linguistically competent.",
     "Los servicios son cultural y lingüísticamente competentes."),
    ("community-based", "Services are community-based.",
     "Los servicios se basan en la comunidad."),
    ("family-participation", "Families participate fully at all levels of the system.",
     "Las familias participan plenamente en todos los niveles del sistema."),
    ("shared-responsibility", "Responsibility for outcomes is shared across systems.",
     "La responsabilidad por los resultados se comparte entre los sistemas."),
]
DOMAINS = [
    ("planning", "Planning", "Planificación"),
    ("governance", "Governance", "Gobernanza"),
    ("system-management", "System management", "Gestión del sistema"),
    ("service-array", "Service array and coordination", "Gama y coordinación de servicios"),
    ("communication", "Communication", "Comunicación"),
    ("policy", "Policy", "Políticas"),
    ("financing", "Financing", "Financiamiento"),
    ("cqi", "Continuous quality improvement", "Mejora continua de la calidad"),
    ("workforce", "Workforce development", "Desarrollo de la fuerza laboral"),
]
OPEN = [
    ("strengths", "strengths", "What's working well in the county's system of care?",
     "¿Qué está funcionando bien en el sistema de atención del condado?"),
    ("challenges", "challenges", "What are we worried about?", "¿Qué nos preocupa?"),
    ("next-steps", "next_steps", "What needs to happen next?", "¿Qué debe suceder a continuación?"),
]
METRICS = [
    ("served-total", "Children/youth served in the last 12 months (total)",
     "Niños/jóvenes atendidos en los últimos 12 meses (total)", "count", None),
    ("served-0-5", "Served, ages 0–5", "Atendidos, de 0 a 5 años", "count", "served-total"),
    ("served-6-11", "Served, ages 6–11", "Atendidos, de 6 a 11 años", "count", "served-total"),
    ("served-12-17", "Served, ages 12–17", "Atendidos, de 12 a 17 años", "count", "served-total"),
    ("served-18-21", "Served, ages 18–21", "Atendidos, de 18 a 21 años", "count", "served-total"),
    ("new-referrals", "New referrals in the last 12 months",
     "Nuevas derivaciones en los últimos 12 meses", "count", None),
    ("waitlist", "Children/youth on the waitlist today", "Niños/jóvenes en lista de espera hoy",
     "count", None),
    ("days-to-service", "Average days from referral to first service",
     "Promedio de días desde la derivación hasta el primer servicio", "days", None),
    ("out-of-county", "Children/youth served out of county",
     "Niños/jóvenes atendidos fuera del condado", "count", None),
    ("vacancy-rate", "Staff vacancy rate (%)", "Tasa de vacantes de personal (%)", "percent", None),
]  # fmt: skip


def options(rows):
    return [{"value": v, "label": en, "label_es": es} for v, en, es in rows]


def load(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    Section = apps.get_model("assessments", "Section")
    Question = apps.get_model("assessments", "Question")
    Metric = apps.get_model("assessments", "Metric")
    System = apps.get_model("workshops", "System")

    instrument, created = Instrument.objects.get_or_create(
        key="local-infrastructure",
        version=1,
        defaults={
            "name": "Local Infrastructure Self-Assessment Survey",
            "description": "Completed by every participant before the workshop.",
        },
    )
    if created:
        about = Section.objects.create(
            instrument=instrument, order=1, title="About you", title_es="Sobre usted",
            intro="Your answers are reported only in groups of three or more people.",
            intro_es="Sus respuestas solo se informan en grupos de tres o más personas.",
        )  # fmt: skip
        systems = [{"value": s.slug, "label": s.name, "label_es": ""} for s in System.objects.all()]
        Question.objects.create(
            section=about, order=1, key="system", kind="choice", purpose="respondent_system",
            text="Which system do you represent?", text_es="¿Qué sistema representa?",
            required=True, options=systems,
        )  # fmt: skip
        Question.objects.create(
            section=about, order=2, key="role", kind="choice", purpose="respondent_role",
            text="What is your role?", text_es="¿Cuál es su función?", required=True,
            options=options(ROLES),
        )  # fmt: skip
        part_a = Section.objects.create(
            instrument=instrument, order=2, title="Part A: SOC values and principles",
            title_es="Parte A: valores y principios del sistema de atención",
            intro="How much do you agree that, in our county, ...",
            intro_es="¿Qué tan de acuerdo está en que, en nuestro condado, ...",
        )  # fmt: skip
        for order, (key, en, es) in enumerate(PRINCIPLES, start=1):
            Question.objects.create(
                section=part_a, order=order, key=key, kind="scale", purpose="principle",
                text=en, text_es=es, required=True, options=options(AGREE),
            )  # fmt: skip
        part_b = Section.objects.create(
            instrument=instrument, order=3, title="Part B: infrastructure",
            title_es="Parte B: infraestructura",
            intro="How well developed is each of these in our county's system of care?",
            intro_es="¿Qué tan desarrollado está cada uno de estos en el sistema de atención "
            "de nuestro condado?",
        )  # fmt: skip
        for order, (key, en, es) in enumerate(DOMAINS, start=1):
            Question.objects.create(
                section=part_b, order=order, key=key, kind="scale", purpose="domain",
                text=en, text_es=es, required=True, options=options(DEVELOPED),
            )  # fmt: skip
        part_c = Section.objects.create(
            instrument=instrument, order=4, title="Part C: the systems",
            title_es="Parte C: los sistemas",
            intro="Rate each system you know from 1 (poor) to 5 (excellent). Skip the ones you "
            "do not know.",
            intro_es="Califique cada sistema que conozca de 1 (malo) a 5 (excelente). Omita los "
            "que no conozca.",
        )  # fmt: skip
        Question.objects.create(
            section=part_c, order=1, key="systems", kind="system_matrix", purpose="systems",
            text="How would you rate each system?", text_es="¿Cómo calificaría cada sistema?",
            options=options(DIMENSIONS),
        )  # fmt: skip
        part_d = Section.objects.create(
            instrument=instrument, order=5, title="Part D: your view",
            title_es="Parte D: su opinión",
        )  # fmt: skip
        for order, (key, purpose, en, es) in enumerate(OPEN, start=1):
            Question.objects.create(
                section=part_d, order=order, key=key, kind="long_text", purpose=purpose,
                text=en, text_es=es,
            )  # fmt: skip

    by_key = {}
    for order, (key, en, es, unit, parent) in enumerate(METRICS, start=1):
        metric, _ = Metric.objects.get_or_create(
            key=key,
            defaults={"label": en, "label_es": es, "unit": unit, "order": order,
                      "part_of": by_key.get(parent)},
        )  # fmt: skip
        by_key[key] = metric


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_instrument"), ("workshops", "0004_framework_content")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
