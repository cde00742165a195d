"""The demo county's system of care map: the participants' agencies, the services around them,
how they connect, and two participants' suggestions waiting for the facilitator."""

from assessments import maps
from assessments.models import MapLink, MapNode, Proposal, SystemMap
from workshops.models import Membership, System, Workshop

Kind, Status, Strength = MapNode.Kind, MapNode.Status, MapLink.Strength

# The participants' agencies (one node each, from maps.start_from_known): status, description.
AGENCIES = {
    "Tompkins County Mental Health Services": (
        Status.CONCERN, "The county clinic for children and adults; the children's team is short "
        "two clinicians."),
    "Department of Social Services": (
        Status.STRENGTH, "Child protective, preventive, foster care and Medicaid eligibility."),
    "Ithaca City School District": (
        Status.STRENGTH, "Twelve schools; student services lead the district's wellness plan."),
    "County Probation": (
        Status.STRENGTH, "Juvenile intake, adjustment services and supervision."),
    "Families Together in NYS": (
        Status.STRENGTH, "Family-run organization: peer support and advocacy for caregivers."),
    "Youth Advisory Council": (
        Status.UNMARKED, "Young people who advise county agencies; growing, mostly from Ithaca."),
    "Tompkins County Whole Health": (
        Status.STRENGTH, "Public health and mental health under one department."),
    "Crisis Services of Tompkins": (
        Status.CONCERN, "Hotline around the clock; the youth mobile team works weekdays only."),
}  # fmt: skip

# system slug, kind, name, provided by, description, status
SERVICES = [
    ("mental-health", Kind.SERVICE, "Children's outpatient clinic",
     "Tompkins County Mental Health Services",
     "Counseling and medication management for children and teens.", Status.CONCERN),
    ("mental-health", Kind.SERVICE, "School-based mental health clinics",
     "Tompkins County Mental Health Services",
     "Therapists in four schools; students are seen during the school day.", Status.STRENGTH),
    ("care-management", Kind.SERVICE, "Single Point of Access (SPOA)", "County mental hygiene",
     "One referral for care coordination and intensive children's services.", Status.STRENGTH),
    ("care-management", Kind.SERVICE, "Medicaid health home for children", "Regional health home",
     "Care management for children with Medicaid and complex needs.", Status.CONCERN),
    ("crisis", Kind.SERVICE, "24/7 crisis hotline", "Crisis Services of Tompkins",
     "Phone and text support around the clock, 988 calls included.", Status.STRENGTH),
    ("crisis", Kind.SERVICE, "Youth mobile crisis team", "Crisis Services of Tompkins",
     "Goes to homes and schools, weekdays 9 to 5.", Status.CONCERN),
    ("crisis", Kind.SERVICE, "After-hours youth crisis response", "",
     "No one to send to a family after 5 pm or on weekends: families go to the ER.", Status.GAP),
    ("medical", Kind.SERVICE, "Community hospital emergency department", "Community hospital",
     "Youth in a mental health crisis can wait days in the ER for a bed.", Status.CONCERN),
    ("medical", Kind.SERVICE, "Pediatric primary care practices", "Three pediatric practices",
     "See most children in the county every year.", Status.UNMARKED),
    ("public-health", Kind.SERVICE, "Early Intervention (birth to 3)",
     "Tompkins County Whole Health",
     "Evaluations and therapies for infants and toddlers with delays.", Status.STRENGTH),
    ("public-health", Kind.SERVICE, "Nurse home visiting for new parents",
     "Tompkins County Whole Health",
     "Visits from pregnancy to age two; reaches new parents early.", Status.STRENGTH),
    ("caregivers", Kind.SERVICE, "Family peer advocates", "Families Together in NYS",
     "Parents with lived experience who walk alongside other parents.", Status.STRENGTH),
    ("caregivers", Kind.COMMUNITY, "Parent support groups", "Families Together in NYS",
     "Evening groups in Ithaca only; none in the rural towns.", Status.CONCERN),
    ("youth", Kind.SERVICE, "Youth peer support", "Community provider",
     "One part-time youth peer advocate for the whole county.", Status.CONCERN),
    ("youth", Kind.AGENCY, "County Youth Bureau", "Tompkins County",
     "Funds and runs recreation, leadership and employment programs for youth.",
     Status.STRENGTH),
    ("youth", Kind.COMMUNITY, "Youth mentoring program", "Local mentoring nonprofit",
     "Matches young people with adult volunteers; 30 youth wait for a mentor.", Status.CONCERN),
    ("education", Kind.SERVICE, "School counselors and social workers",
     "Ithaca City School District", "In every building; first to notice a student in need.",
     Status.STRENGTH),
    ("education", Kind.SERVICE, "Preschool special education", "County and school districts",
     "Services for children 3 to 5 with disabilities.", Status.CONCERN),
    ("juvenile-justice", Kind.SERVICE, "Probation diversion program", "County Probation",
     "Adjustment services that keep youth out of Family Court.", Status.STRENGTH),
    ("juvenile-justice", Kind.AGENCY, "Family Court", "Unified Court System",
     "Hears juvenile delinquency, PINS and child protective cases.", Status.UNMARKED),
    ("child-welfare", Kind.SERVICE, "Preventive services", "Department of Social Services",
     "Family support that keeps children safely at home.", Status.STRENGTH),
    ("child-welfare", Kind.SERVICE, "Foster homes for teenagers", "Department of Social Services",
     "Too few: many teens are placed out of the county.", Status.GAP),
    ("developmental-disabilities", Kind.SERVICE, "Developmental disabilities eligibility",
     "Regional developmental disabilities office",
     "The front door to services; eligibility takes four to six months.", Status.CONCERN),
    ("developmental-disabilities", Kind.SERVICE, "Dual diagnosis services (DD and MH)", "",
     "Children with a developmental disability and a mental health need fall between systems.",
     Status.GAP),
    ("substance-use", Kind.SERVICE, "Adolescent substance use treatment", "",
     "No program for teens in the county; adult clinics see a few.", Status.GAP),
    ("substance-use", Kind.COMMUNITY, "Substance use prevention coalition",
     "Community coalition", "Prevention campaigns in schools and youth programs.",
     Status.STRENGTH),
    ("community-providers", Kind.SERVICE, "211 information and referral line", "Regional 211",
     "Phone and web directory of services; listings are often out of date.", Status.CONCERN),
    ("community-providers", Kind.COMMUNITY, "Faith-based food pantry", "Local congregations",
     "Weekly pantry and a warm meal; families trust the volunteers.", Status.STRENGTH),
    ("community-providers", Kind.SERVICE, "Runaway and homeless youth shelter",
     "Community youth services agency", "Eight beds for youth 12 to 17; often full.",
     Status.CONCERN),
    ("community-providers", Kind.SERVICE, "Rural transportation to appointments", "",
     "No bus from the rural towns to most services.", Status.GAP),
]  # fmt: skip

# one end, the other end, strength, note
LINKS = [
    ("School-based mental health clinics", "School counselors and social workers",
     Strength.STRONG, "Weekly huddles; counselors refer the same day."),
    ("School-based mental health clinics", "Ithaca City School District", Strength.STRONG,
     "Space and schedules agreed every year."),
    ("Children's outpatient clinic", "School counselors and social workers", Strength.WEAK,
     "Referrals take 6 weeks; schools hear nothing back."),
    ("Children's outpatient clinic", "Tompkins County Mental Health Services", Strength.STRONG,
     ""),
    ("Children's outpatient clinic", "Pediatric primary care practices", Strength.WEAK,
     "No shared release of information form."),
    ("Single Point of Access (SPOA)", "County Probation", Strength.STRONG,
     "Probation sits on the SPOA committee."),
    ("Single Point of Access (SPOA)", "Department of Social Services", Strength.MODERATE,
     "Caseworkers refer, but the forms differ."),
    ("Single Point of Access (SPOA)", "Medicaid health home for children", Strength.MODERATE,
     "Monthly case review."),
    ("Medicaid health home for children", "Pediatric primary care practices", Strength.BROKEN,
     "Care managers cannot reach the practices; calls are not returned."),
    ("24/7 crisis hotline", "Youth mobile crisis team", Strength.STRONG,
     "The hotline dispatches the team."),
    ("24/7 crisis hotline", "211 information and referral line", Strength.MODERATE,
     "Calls are transferred both ways."),
    ("Youth mobile crisis team", "School counselors and social workers", Strength.MODERATE,
     "Schools call the team, but only in school hours."),
    ("Youth mobile crisis team", "After-hours youth crisis response", Strength.MISSING,
     "Needed: an on-call clinician for evenings and weekends."),
    ("Community hospital emergency department", "Children's outpatient clinic",
     Strength.MISSING, "Needed: warm hand-off from the ER to outpatient care."),
    ("Community hospital emergency department", "Crisis Services of Tompkins", Strength.WEAK,
     "No follow-up call after a youth is discharged."),
    ("Early Intervention (birth to 3)", "Preschool special education", Strength.MODERATE,
     "Transition at age 3 often late; families restart paperwork."),
    ("Early Intervention (birth to 3)", "Nurse home visiting for new parents", Strength.STRONG,
     "Nurses screen and refer early."),
    ("Early Intervention (birth to 3)", "Pediatric primary care practices", Strength.MODERATE,
     "Pediatricians refer after the 18-month check."),
    ("Nurse home visiting for new parents", "Preventive services", Strength.MODERATE,
     "Shared families; joint visits when invited."),
    ("Family peer advocates", "Children's outpatient clinic", Strength.MODERATE,
     "Advocates join intake when families ask."),
    ("Family peer advocates", "Department of Social Services", Strength.WEAK,
     "Caseworkers rarely offer a peer advocate."),
    ("Family peer advocates", "Parent support groups", Strength.STRONG, ""),
    ("Family peer advocates", "Family Court", Strength.MISSING,
     "Needed: a peer advocate for parents on their first court date."),
    ("Youth peer support", "Youth Advisory Council", Strength.STRONG,
     "The advocate staffs the council."),
    ("Youth peer support", "School-based mental health clinics", Strength.WEAK,
     "Students don't know the youth peer advocate exists."),
    ("County Youth Bureau", "Youth mentoring program", Strength.STRONG,
     "The Youth Bureau funds the program."),
    ("County Youth Bureau", "Youth Advisory Council", Strength.MODERATE,
     "Council members sit on the Youth Bureau's board."),
    ("County Youth Bureau", "Runaway and homeless youth shelter", Strength.MODERATE,
     "Annual contract; little contact in between."),
    ("Probation diversion program", "Family Court", Strength.MODERATE,
     "Cases come back to court when diversion fails."),
    ("Probation diversion program", "Children's outpatient clinic", Strength.BROKEN,
     "Youth on diversion wait as long as anyone else; staff turnover broke the old agreement."),
    ("Foster homes for teenagers", "Runaway and homeless youth shelter", Strength.WEAK,
     "Teens wait at the shelter for a foster home."),
    ("Developmental disabilities eligibility", "Dual diagnosis services (DD and MH)",
     Strength.MISSING, "Needed: one team that serves both needs."),
    ("Developmental disabilities eligibility", "Preschool special education", Strength.BROKEN,
     "Families are sent back and forth between offices."),
    ("Adolescent substance use treatment", "Substance use prevention coalition",
     Strength.MISSING, "The coalition has nowhere to refer teens who need treatment."),
    ("Substance use prevention coalition", "Ithaca City School District", Strength.STRONG,
     "Prevention lessons in every middle school."),
    ("211 information and referral line", "Faith-based food pantry", Strength.WEAK,
     "The pantry's hours are wrong in the directory."),
    ("Faith-based food pantry", "Family peer advocates", Strength.MODERATE,
     "Advocates hold office hours at the pantry once a month."),
    ("Rural transportation to appointments", "Children's outpatient clinic", Strength.BROKEN,
     "Rural families miss appointments and are discharged."),
]  # fmt: skip

# Waiting for the facilitator: a participant's suggested node and another's suggested link.
SUGGESTED_NODE = {
    "by": "Youth Advisory Council",
    "system": "youth",
    "kind": Kind.COMMUNITY,
    "label": "LGBTQ+ youth drop-in group",
    "description": "A safe place after school; there is none outside Ithaca.",
    "status": Status.GAP,
}
SUGGESTED_LINK = {
    "by": "Tompkins County Whole Health",
    "ends": ("Pediatric primary care practices", "School-based mental health clinics"),
    "strength": Strength.WEAK,
    "note": "Pediatricians don't know they can refer to the school clinics.",
}


def draw_map(workshop: Workshop) -> None:
    """Start the demo's map from the participants' agencies and draw the rest (once)."""
    if SystemMap.objects.filter(workshop=workshop, started_at__isnull=False).exists():
        return
    maps.start_from_known(workshop)
    nodes = {node.label: node for node in workshop.map_nodes.all()}
    for label, (status, description) in AGENCIES.items():
        node = nodes[label]
        node.status, node.description = status, description
        maps.save_node(node)
    systems = {system.slug: system for system in System.objects.all()}
    for slug, kind, label, provider, description, status in SERVICES:
        nodes[label] = maps.save_node(
            MapNode(
                workshop=workshop,
                system=systems[slug],
                kind=kind,
                label=label,
                provider=provider,
                description=description,
                status=status,
            )
        )
    for one, other, strength, note in LINKS:
        maps.save_link(
            MapLink(
                workshop=workshop,
                source=nodes[one],
                target=nodes[other],
                strength=strength,
                note=note,
            )
        )

    members = {
        member.agency: member
        for member in workshop.memberships.filter(role=Membership.Role.PARTICIPANT)
    }
    suggested = dict(SUGGESTED_NODE)
    maps.save_node(
        MapNode(
            workshop=workshop,
            system=systems[suggested.pop("system")],
            suggested_by=members[suggested.pop("by")],
            proposal=Proposal.PENDING,
            **suggested,
        )
    )
    one, other = SUGGESTED_LINK["ends"]
    maps.save_link(
        MapLink(
            workshop=workshop,
            source=nodes[one],
            target=nodes[other],
            strength=SUGGESTED_LINK["strength"],
            note=SUGGESTED_LINK["note"],
            proposal=Proposal.PENDING,
            suggested_by=members[SUGGESTED_LINK["by"]],
        )
    )
