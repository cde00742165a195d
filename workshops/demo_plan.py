"""The demo county's gaps and opportunities with their evidence, the dot vote that ranked
them, the four priority areas promoted from it, and a first draft of the action plan.

Everything points at the demo's own survey, map and data table (``demo_assessment``,
``demo_map``): the heat-map cells of the systems rated weakest, the map's gap nodes and its
broken or missing links, the waitlist and the days to a first service. Dates are relative to
the day the seed runs, so the timeline always shows steps done, under way, late and to come.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from actionplans import gaps as gap_service
from actionplans import voting
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Dot,
    Gap,
    Goal,
    Measure,
    Objective,
    Principle,
    PrincipleStance,
    PriorityArea,
    Strategy,
)
from assessments.models import Metric, Question
from workshops.models import Membership, System, Workshop

Kind, Evidence = Gap.Kind, gap_service.Kind
Status, Level = ActionStep.Status, PriorityArea.Level
Stance = PrincipleStance.Level

# key, proposed by (first name), kind, title, description, systems, principles, evidence:
# (kind, what it points at, note); a question by key, a heat-map cell by (system, dimension),
# a map node by label, a map link by its two ends, a figure by the metric's key.
GAPS = [
    ("crisis", "Paul", Kind.GAP, "No youth crisis response after 5 pm or on weekends",
     "The youth mobile crisis team works weekdays 9 to 5. At night and on weekends the hotline "
     "can only send families to the emergency department.",
     ["crisis", "mental-health", "medical"], ["community-based", "child-family"],
     [(Evidence.HEAT_CELL, ("crisis", "accessibility"), "Among the lowest cells of the heat map."),
      (Evidence.MAP_NODE, "After-hours youth crisis response", ""),
      (Evidence.MAP_LINK, ("Youth mobile crisis team", "After-hours youth crisis response"),
       "Nobody to hand over to at 5 pm.")]),
    ("er", "Linda", Kind.GAP, "Teens in crisis wait in the ER overnight",
     "Parents tell our advocates their teen waited a night or two in the emergency department "
     "and left without an appointment.",
     ["crisis", "medical", "caregivers"], ["child-family"],
     [(Evidence.MAP_LINK, ("Community hospital emergency department",
                           "Children's outpatient clinic"), "No warm hand-off from the ER."),
      (Evidence.MAP_NODE, "After-hours youth crisis response", "")]),
    ("substance", "Sara", Kind.GAP, "No substance use treatment for teens in the county",
     "Teens who need treatment are referred to adult clinics or out of the county; the "
     "prevention coalition has nowhere to send them.",
     ["substance-use", "youth", "education"], ["community-based", "shared-responsibility"],
     [(Evidence.HEAT_CELL, ("substance-use", "availability"), ""),
      (Evidence.MAP_NODE, "Adolescent substance use treatment", ""),
      (Evidence.MAP_LINK, ("Adolescent substance use treatment",
                           "Substance use prevention coalition"), "")]),
    ("waits", "Maria", Kind.BARRIER, "Children wait two months for outpatient mental health",
     "The children's clinic is short two clinicians; the waitlist grows every school year.",
     ["mental-health", "care-management"], ["child-family", "shared-responsibility"],
     [(Evidence.FIGURE, "waitlist", "85 of them wait for the county clinic."),
      (Evidence.FIGURE, "days-to-service", "62 days at the county clinic."),
      (Evidence.MAP_NODE, "Children's outpatient clinic", "")]),
    ("dual", "Aisha", Kind.GAP, "Children with both a developmental disability and a mental "
     "health need fall between systems",
     "Each office says the other one should serve them; families are sent back and forth and "
     "eligibility takes months.",
     ["developmental-disabilities", "mental-health", "education"],
     ["collaboration", "shared-responsibility"],
     [(Evidence.HEAT_CELL, ("developmental-disabilities", "availability"), ""),
      (Evidence.MAP_NODE, "Dual diagnosis services (DD and MH)", ""),
      (Evidence.MAP_LINK, ("Developmental disabilities eligibility",
                           "Preschool special education"), "")]),
    ("voice", "Devon", Kind.BARRIER, "Youth and families are not at the table where "
     "decisions are made",
     "No parent or young person sits on an agency board or the planning committee yet.",
     ["youth", "caregivers"], ["youth-guided", "family-participation"],
     [(Evidence.QUESTION, "family-participation", "Rated lowest of the eight principles."),
      (Evidence.QUESTION, "youth-guided", "")]),
    ("directory", "James", Kind.BARRIER, "Families don't know what services exist or how to "
     "reach them",
     "The 211 directory is out of date and every agency has its own referral form.",
     ["community-providers", "caregivers"], ["child-family", "collaboration"],
     [(Evidence.QUESTION, "communication", ""),
      (Evidence.MAP_LINK, ("211 information and referral line", "Faith-based food pantry"),
       "")]),
    ("workforce", "Tom", Kind.BARRIER, "Clinicians leave faster than we can hire them",
     "Vacancies in the clinic and in probation; the clinic's agreement with probation lapsed "
     "when its staff left.",
     ["mental-health", "juvenile-justice", "child-welfare"], ["shared-responsibility"],
     [(Evidence.FIGURE, "vacancy-rate", ""),
      (Evidence.MAP_LINK, ("Probation diversion program", "Children's outpatient clinic"), "")]),
    ("rural", "Carla", Kind.BARRIER, "Rural families can't get to appointments",
     "No bus from the rural towns to most services: families miss appointments and are "
     "discharged.",
     ["community-providers", "mental-health"], ["community-based"],
     [(Evidence.MAP_LINK, ("Rural transportation to appointments",
                           "Children's outpatient clinic"), "")]),
    ("peers", "Maria", Kind.OPPORTUNITY, "School clinics could welcome the youth peer advocate",
     "Four school-based clinics already see students during the day; students don't know the "
     "youth peer advocate exists.",
     ["education", "youth", "mental-health"], ["youth-guided", "strength-based"],
     [(Evidence.MAP_LINK, ("Youth peer support", "School-based mental health clinics"), ""),
      (Evidence.MAP_NODE, "School-based mental health clinics", "")]),
]  # fmt: skip
DUPLICATE = ("er", "crisis")  # merged by the facilitator: the second keeps the first's evidence

# Each participant's three dots (some on the same gap twice): crisis 7, substance 5, waits 4,
# dual 3, voice 2, and one each on the directory, the workforce and the peers.
DOTS = {
    "Paul": ["crisis", "crisis", "substance"],
    "Linda": ["crisis", "voice", "voice"],
    "Sara": ["substance", "substance", "crisis"],
    "Aisha": ["dual", "dual", "crisis"],
    "Maria": ["waits", "waits", "crisis"],
    "Devon": ["crisis", "substance", "peers"],
    "James": ["waits", "directory", "dual"],
    "Tom": ["waits", "substance", "workforce"],
}
BUDGET = 3

PRIORITIES = [
    ("crisis", "Youth crisis response around the clock", Level.HIGH),
    ("substance", "Substance use treatment for teens", Level.HIGH),
    ("waits", "Faster access to children's outpatient care", Level.MEDIUM),
    ("dual", "Children with both developmental and mental health needs", Level.MEDIUM),
]


@dataclass(frozen=True)
class Step:
    title: str
    lead: str
    partners: str
    systems: list[str]
    start: int | None  # weeks from the day of the seed
    due: int | None
    status: str
    strategy: int | None  # index of the objective's strategy
    principles: list[str]
    note: str = ""


@dataclass(frozen=True)
class Measured:
    title: str
    baseline: str | None = None
    target: str | None = None
    unit: str = ""
    benchmarks: tuple[tuple[int, str | None, str], ...] = ()  # (months, value, description)


@dataclass(frozen=True)
class Aim:
    """An objective with its strategies, steps and measures."""

    title: str
    target: int  # months from the day of the seed
    principles: list[str]
    strategies: list[tuple[str, list[str]]]
    steps: list[Step]
    measures: list[Measured]


# Goals for the first three priority areas; the fourth waits for the developmental
# disabilities office to join (so it shows on the "not addressed yet" page).
PLAN = {
    "crisis": (
        "Any child or youth in a mental health crisis, any day and at any hour, gets an "
        "in-person response within an hour, close to home.",
        "The youth mobile crisis team works weekdays 9 to 5. After hours, the hotline can only "
        "send families to the emergency department, where teens can wait for days. The survey "
        "rated access to crisis services 1.7 of 5, among the lowest of all systems.",
        ["community-based", "child-family"],
        [
            Aim("Start an evening and weekend youth mobile crisis pilot.", 12,
                ["community-based"],
                [("Extend the mobile team with an on-call clinician rota shared with the "
                  "hospital.", ["collaboration"]),
                 ("Fund the pilot from state crisis dollars and the hospital's community "
                  "benefit.", ["shared-responsibility"])],
                [Step("Count after-hours youth crisis calls and ER visits for the past year",
                      "Paul Mensah", "Crisis Services of Tompkins; Community hospital",
                      ["crisis", "medical"], -14, -6, Status.DONE, 0, ["shared-responsibility"],
                      "412 calls after 5 pm or on weekends; 96 ended in an ER visit."),
                 Step("Agree the on-call rota and its cost with the hospital's psychiatry "
                      "department", "Paul Mensah", "Community hospital; County mental hygiene",
                      ["crisis", "medical", "mental-health"], -4, 8, Status.IN_PROGRESS, 0,
                      ["collaboration"]),
                 Step("Apply for state crisis services funding for the pilot", "Carla Nguyen",
                      "Tompkins County Mental Health Services; Crisis Services of Tompkins",
                      ["mental-health", "crisis"], -8, -1, Status.IN_PROGRESS, 1,
                      ["shared-responsibility"],
                      "The application is written; the hospital's letter of support is late."),
                 Step("Recruit and train two on-call youth crisis clinicians", "Maria Lopez",
                      "Crisis Services of Tompkins", ["crisis", "mental-health"], 12, 26,
                      Status.NOT_STARTED, 0, ["cultural", "strength-based"])],
                [Measured("After-hours youth crises answered in person within one hour", "0",
                          "80", "%", ((6, "40", "First three months of the pilot"),
                                      (12, "80", "The pilot's first year"))),
                 Measured("Families and youth say the crisis team helped and treated them with "
                          "respect (follow-up calls and a family focus group).")]),
            Aim("Every youth seen in the emergency department for a mental health crisis gets "
                "a follow-up call within a day and a clinic appointment within a week.", 15,
                ["child-family", "collaboration"],
                [("A warm hand-off from the emergency department to outpatient care.",
                  ["collaboration", "child-family"])],
                [Step("Write one release of information for the ER, the crisis team and the "
                      "clinic", "Maria Lopez",
                      "Community hospital; Crisis Services of Tompkins",
                      ["mental-health", "medical", "crisis"], -10, -2, Status.DONE, 0,
                      ["collaboration"]),
                 Step("Crisis Services calls every family within a day of discharge",
                      "Paul Mensah", "Community hospital", ["crisis", "medical"], 4, 16,
                      Status.NOT_STARTED, 0, ["child-family"]),
                 Step("Hold two clinic intake slots a week for ER referrals", "Clinic director",
                      "Tompkins County Mental Health Services", ["mental-health"], 2, 20,
                      Status.BLOCKED, 0, ["community-based"],
                      "Waits for the two vacant clinician positions to be filled."),
                 Step("Family peer advocate offered to every family at discharge", "Linda Park",
                      "Families Together in NYS; Community hospital", ["caregivers", "medical"],
                      10, 30, Status.NOT_STARTED, 0, ["family-participation"])],
                [Measured("Youth seen by the clinic within 7 days of an ER discharge", "20", "90",
                          "%", ((6, "50", "After the release form is in use"),
                                (15, "90", ""))),
                 Measured("Parents describe the hand-off from the ER as one system, not three "
                          "(interviews with discharged families).")]),
        ],
    ),
    "substance": (
        "Teens who need substance use treatment get it in the county, close to home and school.",
        "There is no adolescent program in the county: adult clinics see a few teens and the "
        "rest travel or go without. The prevention coalition has nowhere to refer. The survey "
        "rated substance use services 1.6 of 5 for availability.",
        ["community-based", "youth-guided"],
        [
            Aim("Open an adolescent outpatient substance use program with at least 20 places.",
                18, ["community-based", "strength-based"],
                [("Add an adolescent track to a licensed provider's outpatient program.",
                  ["community-based"])],
                [Step("Ask school counselors and probation how many teens need treatment",
                      "Sara Goldberg", "Ithaca City School District; County Probation",
                      ["education", "juvenile-justice"], -10, -3, Status.DONE, 0,
                      ["shared-responsibility"], "About 45 teens a year; most are 15 to 17."),
                 Step("Find a licensed provider ready to add an adolescent track",
                      "Sara Goldberg", "Community coalition; regional providers",
                      ["substance-use"], -5, 9, Status.IN_PROGRESS, 0, ["collaboration"]),
                 Step("Apply to the state for the adolescent program's license",
                      "Program manager, Whole Health", "Tompkins County Whole Health",
                      ["substance-use", "public-health"], 12, 36, Status.NOT_STARTED, 0, []),
                 Step("Hire an adolescent counselor and a youth peer advocate", "Sara Goldberg",
                      "Youth Advisory Council", ["substance-use", "youth"], 36, 60,
                      Status.NOT_STARTED, 0, ["youth-guided"])],
                [Measured("Teens treated in the county for substance use", "4", "40",
                          "teens a year", ((9, "10", "First intakes"),
                                           (18, "25", "Program open for six months"))),
                 Measured("Teens in treatment say the program fits their lives (youth advisory "
                          "council interviews).")]),
            Aim("Every middle and high school screens for substance use and knows where to "
                "refer a student.", 12, ["youth-guided", "collaboration"],
                [("Train school staff to screen and refer (SBIRT).", ["strength-based"]),
                 ("Young people shape how schools talk about substance use.",
                  ["youth-guided"])],
                [Step("Write the referral path with the coalition and the schools",
                      "Aisha Khan", "Substance use prevention coalition",
                      ["education", "substance-use"], -3, 6, Status.IN_PROGRESS, 0,
                      ["collaboration"]),
                 Step("Train school counselors in screening and brief intervention",
                      "Aisha Khan", "Ithaca City School District; Community coalition",
                      ["education"], 6, 24, Status.NOT_STARTED, 0, ["strength-based"]),
                 Step("The youth advisory council reviews the screening materials",
                      "Devon Reyes", "Youth Advisory Council; County Youth Bureau", ["youth"],
                      None, 20, Status.NOT_STARTED, 1, ["youth-guided", "cultural"])],
                [Measured("Schools with a trained screener", "2", "12", "schools",
                          ((6, "6", "Middle schools first"), (12, "12", "Every school"))),
                 Measured("Students say they would know where to go for help (youth council "
                          "survey).")]),
        ],
    ),
    "waits": (
        "Children referred for outpatient mental health are seen within three weeks.",
        "85 children wait for the county clinic and it takes 62 days on average to a first "
        "appointment (data table). The clinic is short two clinicians, and rural families "
        "miss appointments because there is no bus.",
        ["child-family", "shared-responsibility"],
        [
            Aim("Cut the wait for a first appointment from 62 to 21 days.", 12,
                ["child-family"],
                [("Fill the clinic's vacancies and keep its clinicians.",
                  ["shared-responsibility"]),
                 ("See the most urgent children first.", ["collaboration"])],
                [Step("Ask the legislature for a sign-on bonus for children's clinicians",
                      "Carla Nguyen", "County legislature", ["mental-health"], -16, -8,
                      Status.DONE, 0, ["shared-responsibility"],
                      "Approved: 5,000 dollars over two years."),
                 Step("Recruit two children's clinicians", "Maria Lopez",
                      "Tompkins County Mental Health Services", ["mental-health"], -6, 10,
                      Status.IN_PROGRESS, 0, ["cultural"]),
                 Step("Review the waitlist weekly at SPOA, most urgent first", "Maria Lopez",
                      "Single Point of Access; Department of Social Services; County Probation",
                      ["care-management", "child-welfare", "juvenile-justice"], 2, 8,
                      Status.NOT_STARTED, 1, ["collaboration"]),
                 Step("Restore the referral agreement between probation and the clinic",
                      "Tom Becker", "County Probation; Tompkins County Mental Health Services",
                      ["juvenile-justice", "mental-health"], -3, 5, Status.IN_PROGRESS, 1,
                      ["collaboration"])],
                [Measured("Days from referral to a first appointment", "62", "21", "days",
                          ((6, "40", ""), (12, "21", ""))),
                 Measured("Referring agencies hear back within a week of a referral.")]),
            Aim("Bring first appointments closer to rural families.", 18,
                ["community-based"],
                [("Offer care by video and in rural schools.", ["community-based"])],
                [Step("Set up telehealth rooms in two rural schools", "Aisha Khan",
                      "Rural school districts", ["education", "mental-health"], 8, 30,
                      Status.NOT_STARTED, 0, ["community-based"]),
                 Step("Ask the county for rides to appointments from the rural towns",
                      "Carla Nguyen", "County planning department; Regional 211",
                      ["community-providers"], -2, 14, Status.IN_PROGRESS, 0, ["community-based"]),
                 Step("Family peer advocates call each family before a first appointment",
                      "Linda Park", "Families Together in NYS", ["caregivers"], -3, 12,
                      Status.IN_PROGRESS, None, ["family-participation", "strength-based"]),
                 Step("Open an evening clinic in Ithaca", "Clinic director", "",
                      ["mental-health"], -12, -4, Status.DROPPED, 0, [],
                      "Replaced by video appointments: no evening staff could be found.")],
                [Measured("First appointments missed", "30", "10", "%",
                          ((9, "20", ""), (18, "10", ""))),
                 Measured("Rural families say getting to care got easier (family focus group "
                          "in two towns).")]),
        ],
    ),
}  # fmt: skip

STANCES = {
    "child-family": (Stance.ADOPTED,
                     "Every agency says it in its mission and the survey rated it 3.8. Plans are "
                     "still written around programs more than around families."),
    "youth-guided": (Stance.EMERGING,
                     "The youth advisory council is growing, but no young person sits on an "
                     "agency board yet."),
    "collaboration": (Stance.ADOPTED,
                      "Leaders pick up the phone and SPOA works. Every agency still has its own "
                      "referral form."),
    "strength-based": (Stance.IMPLEMENTED,
                       "Family peer advocates and the probation diversion program build on "
                       "what families do well, and staff are trained in it every year."),
    "cultural": (Stance.EMERGING,
                 "Few clinicians speak Spanish and interpreters are booked case by case. No "
                 "agency collects language needs."),
    "community-based": (Stance.ADOPTED,
                        "School-based clinics and home visiting reach families where they are; "
                        "teens still leave the county for substance use treatment."),
    "family-participation": (Stance.NOT_YET,
                             "Rated lowest of all (1.8): no parent sits on the planning "
                             "committee. Invite two parents before the next session."),
    "shared-responsibility": (Stance.EMERGING,
                              "Agencies share families but not outcomes: no common measures "
                              "yet. This plan is the first shared one."),
}  # fmt: skip


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_demo(workshop: Workshop) -> None:
    """Gaps, the vote, the priority areas, the plan and the principles' stances (once)."""
    if workshop.gaps.exists():
        return
    User = get_user_model()
    facilitator = User.objects.get(username="facilitator")
    people = {
        member.user.first_name: member
        for member in workshop.memberships.filter(
            role__in=[Membership.Role.PARTICIPANT, Membership.Role.COMMITTEE]
        ).select_related("user")
    }
    gaps = propose_gaps(workshop, people)
    duplicate, kept = DUPLICATE
    gap_service.merge(workshop, gaps[duplicate].pk, gaps[kept].pk)
    vote(workshop, people, gaps, facilitator)
    priorities = {
        key: voting.promote(workshop, gaps[key], level, facilitator, title)
        for key, title, level in PRIORITIES
    }
    write_plan(workshop, priorities)
    PrincipleStance.objects.bulk_create(
        PrincipleStance(workshop=workshop, principle=principle, level=level, notes=notes)
        for principle in Principle.objects.all()
        for level, notes in [STANCES[principle.key]]
    )
    attribute_history(workshop, facilitator)


def propose_gaps(workshop: Workshop, people: dict[str, Membership]) -> dict[str, Gap]:
    systems = {system.slug: system for system in System.objects.all()}
    principles = {principle.key: principle for principle in Principle.objects.all()}
    nodes = {node.label: node for node in workshop.map_nodes.all()}
    links = {
        frozenset((link.source.label, link.target.label)): link
        for link in workshop.map_links.select_related("source", "target")
    }
    questions = {
        question.key: question
        for question in Question.objects.filter(section__instrument=workshop.survey.instrument)
    }
    metrics = {metric.key: metric for metric in Metric.objects.all()}

    def target(kind: str, what) -> gap_service.Target:
        match kind:
            case Evidence.QUESTION:
                return gap_service.Target(kind, question_id=questions[what].pk)
            case Evidence.HEAT_CELL:
                slug, dimension = what
                return gap_service.Target(kind, system_id=systems[slug].pk, dimension=dimension)
            case Evidence.MAP_NODE:
                return gap_service.Target(kind, map_node_id=nodes[what].pk)
            case Evidence.MAP_LINK:
                return gap_service.Target(kind, map_link_id=links[frozenset(what)].pk)
        return gap_service.Target(kind, metric_id=metrics[what].pk)

    gaps = {}
    for key, by, kind, title, description, slugs, keys, evidence in GAPS:
        proposer = people[by]
        gap = gap_service.propose(
            workshop,
            proposer,
            gap_service.GapFields(
                title=title,
                description=description,
                kind=kind,
                systems=[systems[slug] for slug in slugs],
                principles=[principles[key] for key in keys],
            ),
        )
        for evidence_kind, what, note in evidence:
            gap_service.add_evidence(gap, target(evidence_kind, what), note, proposer.user)
        gaps[key] = gap
    return gaps


def vote(workshop: Workshop, people: dict[str, Membership], gaps: dict[str, Gap], by) -> None:
    voting.open_voting(workshop, budget=BUDGET)
    for name, keys in DOTS.items():
        for key in keys:
            voting.place_dot(workshop, people[name], gaps[key])
    voting.close_voting(workshop, by)


def write_plan(workshop: Workshop, priorities: dict[str, PriorityArea]) -> None:
    today = timezone.localdate()
    systems = {system.slug: system for system in System.objects.all()}
    principles = {principle.key: principle for principle in Principle.objects.all()}

    def tag(item, keys: list[str]) -> None:
        item.principles.set([principles[key] for key in keys])

    def week(offset: int | None) -> date | None:
        return None if offset is None else today + timedelta(weeks=offset)

    plan, _created = ActionPlan.objects.get_or_create(workshop=workshop, number=1)
    for order, (key, (title, where, keys, aims)) in enumerate(PLAN.items()):
        goal = Goal.objects.create(
            plan=plan, priority=priorities[key], title=title, where_we_are=where, order=order
        )
        tag(goal, keys)
        for aim_order, aim in enumerate(aims):
            objective = Objective.objects.create(
                goal=goal,
                title=aim.title,
                target_date=add_months(today, aim.target),
                order=aim_order,
            )
            tag(objective, aim.principles)
            strategies = []
            for strategy_order, (strategy_title, strategy_keys) in enumerate(aim.strategies):
                strategy = Strategy.objects.create(
                    objective=objective, title=strategy_title, order=strategy_order
                )
                tag(strategy, strategy_keys)
                strategies.append(strategy)
            for step_order, step in enumerate(aim.steps):
                action = ActionStep.objects.create(
                    objective=objective,
                    strategy=None if step.strategy is None else strategies[step.strategy],
                    title=step.title,
                    lead=step.lead,
                    partners=step.partners,
                    start=week(step.start),
                    due=week(step.due),
                    status=step.status,
                    note=step.note,
                    order=step_order,
                )
                action.partner_systems.set([systems[slug] for slug in step.systems])
                tag(action, step.principles)
            for measure_order, measured in enumerate(aim.measures):
                measure = Measure.objects.create(
                    objective=objective,
                    kind=Measure.Kind.QUANTITATIVE if measured.unit else Measure.Kind.QUALITATIVE,
                    title=measured.title,
                    baseline=measured.baseline and Decimal(measured.baseline),
                    target=measured.target and Decimal(measured.target),
                    unit=measured.unit,
                    order=measure_order,
                )
                Benchmark.objects.bulk_create(
                    Benchmark(
                        measure=measure,
                        due=add_months(today, months),
                        value=value and Decimal(value),
                        description=description,
                    )
                    for months, value, description in measured.benchmarks
                )


def attribute_history(workshop: Workshop, facilitator) -> None:
    """The history of each item names who did it: the proposer for a gap, the facilitator for
    the priority areas, the plan and the stances (a seed has no request to take them from)."""
    for gap in workshop.gaps.select_related("proposed_by"):
        Gap.history.filter(id=gap.pk).update(history_user_id=gap.proposed_by.user_id)
    for model, to_workshop in [
        (PriorityArea, "workshop"),
        (PrincipleStance, "workshop"),
        (Goal, "plan__workshop"),
        (Objective, "goal__plan__workshop"),
        (Strategy, "objective__goal__plan__workshop"),
        (ActionStep, "objective__goal__plan__workshop"),
        (Measure, "objective__goal__plan__workshop"),
        (Benchmark, "measure__objective__goal__plan__workshop"),
    ]:
        ids = model.objects.filter(**{to_workshop: workshop}).values("pk")
        model.history.filter(id__in=ids).update(history_user=facilitator)


def summary(workshop: Workshop) -> str:
    """One line on what the demo's prioritizing and planning hold."""
    gaps = workshop.gaps.aggregate(
        shown=Count("pk", filter=Q(merged_into__isnull=True)),
        merged=Count("pk", filter=Q(merged_into__isnull=False)),
    )
    dots = Dot.objects.filter(workshop=workshop).aggregate(
        dots=Count("pk"), voters=Count("membership", distinct=True)
    )
    plan = workshop.plans.order_by("-number").first()
    counts = {
        "goals": Goal.objects.filter(plan=plan).count(),
        "objectives": Objective.objects.filter(goal__plan=plan).count(),
        "strategies": Strategy.objects.filter(objective__goal__plan=plan).count(),
        "steps": ActionStep.objects.filter(objective__goal__plan=plan).count(),
        "measures": Measure.objects.filter(objective__goal__plan=plan).count(),
        "benchmarks": Benchmark.objects.filter(measure__objective__goal__plan=plan).count(),
    }
    items = ", ".join(f"{n} {name}" for name, n in counts.items())
    return (
        f"Gaps: {gaps['shown']} (and {gaps['merged']} merged); dots: {dots['dots']} from "
        f"{dots['voters']} people; priority areas: {workshop.priorities.count()}; "
        f"plan: {items}; principle stances: {workshop.principle_stances.count()}."
    )
