"""Personal action plans (seed 003, Module 4, "My Personal Action Plan").

Each member of a workshop may keep one: up to three relationships with an agency or
organization that are challenging or do not exist yet, the collaboration strategies and actions
for each, and how they will know they succeeded. Only its owner changes it; they may share it,
read-only, with colleagues of the same workshop, and look back at it later.

Only the owner edits, but from several tabs or devices: an edit claims the version it was read
at. Versions come from the plan's change counter (``PersonalPlan.version``), so a relationship
removed and another added in its place never share a version, and a form read before the swap
conflicts instead of overwriting the newcomer. The review is guarded by the time of the last
review, as it was read (compare-and-update).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplans.models import CollaborationStrategy, PersonalPlan, Relationship
from actionplans.models.personal import MAX_RELATIONSHIPS
from actionplans.plans import EMPTY, Conflict, Difference
from assessments.models import MapLink, MapNode, Proposal
from workshops.models import Membership

# Handout 4.1, "Some Practical Collaboration Strategies", each in a sentence.
EXPLANATIONS = {
    CollaborationStrategy.WORK_TOGETHER: _(
        "Collaboration is a shared responsibility: invite other units, agencies and community "
        "groups to your meetings, or form a collaboration team together."
    ),
    CollaborationStrategy.MENTORS: _(
        "Learn from people who are good at building partnerships: shadow them, or invite them "
        "to talk about successful local partnerships at a staff meeting."
    ),
    CollaborationStrategy.RESOURCES: _(
        "Find out which formal and informal services exist: meet peers in other organizations, "
        "or ask them to present their services at a team meeting."
    ),
    CollaborationStrategy.SHARE: _(
        "Share what you learn about resources with colleagues who can use it: a resource guide "
        "or shared list that everyone knows about."
    ),
    CollaborationStrategy.GOALS: _(
        "Set clear, realistic goals with a timeline that fit your partners' aims, and agree on "
        "how you will know each goal is met."
    ),
    CollaborationStrategy.ROADBLOCKS: _(
        "Think ahead about what could get in the way (policies, personalities, reluctance) "
        "and plan for it."
    ),
    CollaborationStrategy.ASSESS: _(
        "Come back to your goals and plan regularly, and change them when circumstances change."
    ),
}
EDITED = ("agency", "node", "now", "improve", "strategies", "actions", "success")
LABELS = {
    "agency": _("Agency or organization"),
    "node": _("On the map"),
    "now": _("The relationship now"),
    "improve": _("What I want to improve"),
    "strategies": _("Collaboration strategies"),
    "actions": _("What I will do"),
    "success": _("How I will know I succeeded"),
    "outcome": _("How it went"),
    "outcome_note": _("Notes"),
    "review_notes": _("Looking back"),
}
# The map's links worth working on, the most urgent first.
WEAK_LINKS = (MapLink.Strength.BROKEN, MapLink.Strength.MISSING, MapLink.Strength.WEAK)


class PersonalPlanError(Exception):
    """A change the personal plan refuses, with a message for the person who tried it."""


@dataclass(frozen=True)
class StrategyChoice:
    value: str
    label: str
    explanation: str


def strategy_choices() -> list[StrategyChoice]:
    """The seven strategies in the handout's order, with their explanations."""
    return [
        StrategyChoice(value, str(label), str(EXPLANATIONS[CollaborationStrategy(value)]))
        for value, label in CollaborationStrategy.choices
    ]


def in_handout_order(values: Iterable[str]) -> list[str]:
    chosen = set(values)
    return [value for value in CollaborationStrategy.values if value in chosen]


# --- the plan ----------------------------------------------------------------------------------


def plan_for(membership: Membership) -> PersonalPlan:
    """The member's personal plan (made when first asked for)."""
    plan, _created = PersonalPlan.objects.get_or_create(membership=membership)
    plan.membership = membership
    return plan


def relationships_of(plan: PersonalPlan) -> list[Relationship]:
    """The plan's relationships in order, each with ``chosen`` (its strategies, explained)."""
    relationships = list(plan.relationships.select_related("node__system"))
    choices = {choice.value: choice for choice in strategy_choices()}
    for relationship in relationships:
        relationship.chosen = [
            choices[value] for value in in_handout_order(relationship.strategies)
        ]
    return relationships


def relationship_at(plan: PersonalPlan, order: int) -> Relationship | None:
    return plan.relationships.filter(order=order).first()


def next_version(plan: PersonalPlan) -> int:
    """The plan's next change number (also holds the plan's row until the transaction ends)."""
    PersonalPlan.objects.filter(pk=plan.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    plan.version = PersonalPlan.objects.values_list("version", flat=True).get(pk=plan.pk)
    return plan.version


def full_message() -> str:
    return gettext(
        "Your plan has three relationships already, as many as the exercise asks for. "
        "Remove one to add another."
    )


def save_relationship(
    plan: PersonalPlan, relationship: Relationship, version: int | None = None
) -> Relationship:
    """Add a relationship (in the first free place of three) or save an edit read at
    ``version``; a fourth is refused (PersonalPlanError), a stale edit raises ``Conflict``."""
    relationship.strategies = in_handout_order(relationship.strategies)
    stamp = next_version(plan)
    if relationship.pk is None:
        taken = set(plan.relationships.values_list("order", flat=True))
        free = [order for order in range(1, MAX_RELATIONSHIPS + 1) if order not in taken]
        if not free:
            raise PersonalPlanError(full_message())
        relationship.plan, relationship.order, relationship.version = plan, free[0], stamp
        try:
            with transaction.atomic():
                relationship.save()
        except IntegrityError as error:  # another tab took the last place meanwhile
            raise PersonalPlanError(full_message()) from error
        return relationship
    claimed = Relationship.objects.filter(pk=relationship.pk, plan=plan, version=version).update(
        version=stamp
    )
    if not claimed:
        stored = Relationship.objects.filter(pk=relationship.pk).first()
        if stored is None:
            raise PersonalPlanError(
                gettext("This relationship was removed meanwhile: add it again if you need it.")
            )
        raise Conflict(stored)
    relationship.version = stamp
    relationship.save(update_fields=[*EDITED, "version"])
    return relationship


def remove(plan: PersonalPlan, relationship: Relationship) -> None:
    Relationship.objects.filter(pk=relationship.pk, plan=plan).delete()
    next_version(plan)


def shown(name: str, value) -> str:
    """A relationship's value as people read it."""
    if name == "strategies":
        labels = dict(CollaborationStrategy.choices)
        return ", ".join(str(labels[v]) for v in in_handout_order(value or [])) or EMPTY
    if name == "now":
        return str(dict(Relationship.Now.choices).get(value, value)) if value else EMPTY
    if name == "outcome":
        return str(dict(Relationship.Outcome.choices).get(value or "", value))
    if name == "node":
        return str(value) if value else EMPTY
    return value or EMPTY


def differences(stored: Relationship, cleaned: dict) -> list[Difference]:
    """Field by field, what the other tab saved and what this one tried to save."""
    found = []
    for name in EDITED:
        theirs, mine = getattr(stored, name), cleaned.get(name)
        if name == "strategies":
            theirs, mine = in_handout_order(theirs or []), in_handout_order(mine or [])
        if (theirs or "") != (mine or ""):
            found.append(Difference(str(LABELS[name]), shown(name, theirs), shown(name, mine)))
    return found


# --- sharing -----------------------------------------------------------------------------------


def colleagues(membership: Membership) -> QuerySet[Membership]:
    """Whom the member may share their plan with: everyone else in the workshop."""
    return (
        Membership.objects.filter(workshop_id=membership.workshop_id)
        .exclude(pk=membership.pk)
        .select_related("user", "system")
        .order_by("user__first_name", "user__last_name", "id")
    )


def share(plan: PersonalPlan, chosen: Iterable[Membership]) -> None:
    """Let colleagues of the same workshop read the plan (never oneself, nobody outside)."""
    chosen = list(chosen)
    owner = plan.membership
    for colleague in chosen:
        if colleague.pk == owner.pk:
            raise PersonalPlanError(gettext("Your plan is yours already: choose a colleague."))
        if colleague.workshop_id != owner.workshop_id:
            raise PersonalPlanError(
                gettext("You can share your plan only with colleagues in this workshop.")
            )
    plan.shared_with.add(*chosen)


def unshare(plan: PersonalPlan, chosen: Iterable[Membership]) -> None:
    plan.shared_with.remove(*chosen)


def shared_with(plan: PersonalPlan) -> list[Membership]:
    return list(
        plan.shared_with.select_related("user").order_by("user__first_name", "user__last_name")
    )


def shared_with_me(membership: Membership) -> list[PersonalPlan]:
    """Colleagues' plans the member may read, with how many relationships each has."""
    return list(
        PersonalPlan.objects.filter(shared_with=membership)
        .select_related("membership__user", "membership__system")
        .annotate(relationship_count=Count("relationships", distinct=True))
        .order_by("membership__user__first_name", "membership__user__last_name", "id")
    )


def readable_plan(membership: Membership, plan_id: int) -> PersonalPlan | None:
    """The plan, if it is the member's own or shared with them; None otherwise."""
    shared = PersonalPlan.shared_with.through.objects.filter(
        personalplan_id=OuterRef("pk"), membership_id=membership.pk
    )
    return (
        PersonalPlan.objects.filter(pk=plan_id, membership__workshop_id=membership.workshop_id)
        .filter(Q(membership=membership) | Q(Exists(shared)))
        .select_related("membership__user", "membership__system")
        .first()
    )


# --- looking back ------------------------------------------------------------------------------


def review_token(plan: PersonalPlan) -> str:
    """What a review form carries to tell whether another review was saved since it was read."""
    return plan.reviewed_at.isoformat() if plan.reviewed_at else ""


def review_due(plan: PersonalPlan, today: date | None = None) -> bool:
    """The day set for the review has come and the plan was not reviewed since."""
    if plan.review_on is None:
        return False
    today = today or timezone.localdate()
    reviewed = plan.reviewed_at and timezone.localdate(plan.reviewed_at) >= plan.review_on
    return plan.review_on <= today and not reviewed


def set_review_date(plan: PersonalPlan, day: date | None) -> None:
    plan.review_on = day
    PersonalPlan.objects.filter(pk=plan.pk).update(review_on=day, updated_at=timezone.now())


@dataclass(frozen=True)
class Outcome:
    outcome: str
    note: str


def review(
    plan: PersonalPlan, outcomes: dict[int, Outcome], notes: str, read_token: str
) -> datetime:
    """Record how each relationship went and the notes; ``read_token`` is ``review_token``
    of the plan as the form read it: a review saved since raises ``Conflict``."""
    now = timezone.now()
    reviewed = PersonalPlan.objects.filter(pk=plan.pk)
    if read_token:
        reviewed = reviewed.filter(reviewed_at=datetime.fromisoformat(read_token))
    else:
        reviewed = reviewed.filter(reviewed_at__isnull=True)
    if not reviewed.update(reviewed_at=now, review_notes=notes, updated_at=now):
        raise Conflict(PersonalPlan.objects.get(pk=plan.pk))
    plan.reviewed_at, plan.review_notes = now, notes
    for relationship in plan.relationships.filter(pk__in=outcomes):
        given = outcomes[relationship.pk]
        if (relationship.outcome, relationship.outcome_note) != (given.outcome, given.note):
            relationship.outcome, relationship.outcome_note = given.outcome, given.note
            relationship.save(update_fields=["outcome", "outcome_note"])
    return now


def review_differences(
    stored: PersonalPlan, outcomes: dict[int, Outcome], notes: str
) -> list[Difference]:
    """What the other review saved and what this one tried to save."""
    found = []
    if stored.review_notes != notes:
        found.append(
            Difference(str(LABELS["review_notes"]), stored.review_notes or EMPTY, notes or EMPTY)
        )
    for relationship in stored.relationships.filter(pk__in=outcomes):
        given = outcomes[relationship.pk]
        for name, mine in (("outcome", given.outcome), ("outcome_note", given.note)):
            theirs = getattr(relationship, name)
            if theirs != mine:
                label = f"{relationship.agency}: {LABELS[name]}"
                found.append(Difference(label, shown(name, theirs), shown(name, mine)))
    return found


# --- where to start: the map -------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A node of the map linked to the member's own agency by a weak, broken or missing link."""

    node: MapNode
    strength: str
    note: str
    via: str  # the member's own node at the other end of the link

    @property
    def strength_label(self) -> str:
        return str(MapLink.Strength(self.strength).label)

    @property
    def agency(self) -> str:
        """Whom the relationship is with: the agency itself, or who provides the service."""
        if self.node.kind == MapNode.Kind.AGENCY or not self.node.provider:
            return self.node.label
        return self.node.provider

    @property
    def now(self) -> str:
        if self.strength == MapLink.Strength.MISSING:
            return Relationship.Now.NONE
        return Relationship.Now.CHALLENGING


def is_own(node: MapNode, membership: Membership) -> bool:
    """The member's agency node, or a service their agency provides."""
    agency = membership.agency.strip().lower()
    return node.membership_id == membership.pk or bool(
        agency and node.provider.strip().lower() == agency
    )


def suggestions(membership: Membership, taken: Iterable[int] = ()) -> list[Suggestion]:
    """Relationships the map shows are weak or missing, from the member's agency (its node and
    the services it provides) to the rest of the map; the most urgent first, one per node,
    leaving out the nodes in ``taken``. One query, whatever the size of the map."""
    own = Q(membership=membership)
    if membership.agency.strip():
        own |= Q(provider__iexact=membership.agency.strip())
    own_nodes = MapNode.objects.filter(own, workshop_id=membership.workshop_id).values("pk")
    links = MapLink.objects.filter(
        Q(source__in=own_nodes) | Q(target__in=own_nodes),
        workshop_id=membership.workshop_id,
        proposal=Proposal.ACCEPTED,
        strength__in=WEAK_LINKS,
    ).select_related("source__system", "target__system")
    best: dict[int, Suggestion] = {}
    skip = set(taken)
    for link in links:
        for mine, other in ((link.source, link.target), (link.target, link.source)):
            if not is_own(mine, membership) or is_own(other, membership):
                continue
            if other.proposal != Proposal.ACCEPTED or other.pk in skip:
                continue
            found = Suggestion(other, link.strength, link.note, mine.label)
            kept = best.get(other.pk)
            if kept is None or urgency(found) < urgency(kept):
                best[other.pk] = found
    return sorted(best.values(), key=lambda s: (urgency(s), s.node.label.lower()))


def urgency(suggestion: Suggestion) -> int:
    return WEAK_LINKS.index(suggestion.strength)


def suggestion_for(membership: Membership, node_id: int, taken: Iterable[int] = ()):
    return next((s for s in suggestions(membership, taken) if s.node.pk == node_id), None)
