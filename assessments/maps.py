"""The system of care map: loading what a screen shows, filtering it, and the room's edits.

Every edit goes through this module and bumps ``SystemMap.version``, so that live screens
polling with the version they show get a cheap "nothing changed" until something does.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    DONT_KNOW,
    Answer,
    MapLink,
    MapNode,
    Proposal,
    Question,
    SystemMap,
)
from workshops.models import Membership, System, Workshop

WEAKEST = 3  # how many of the survey's lowest-rated systems the map highlights
MIN_RATERS = 3  # a system rated by fewer people is not singled out (as in the results)


class MapError(Exception):
    """An edit the map refuses, with a message for the person who tried it."""


class Only(StrEnum):
    """The filters of the map besides one system."""

    ALL = ""
    GAPS = "gaps"
    BROKEN = "broken"


@dataclass(frozen=True)
class MapSystem:
    id: int
    name: str
    highlighted: bool = False  # among the systems the survey rated weakest
    mean: float | None = None  # the survey's mean rating of the system, if shown


@dataclass(frozen=True)
class Node:
    id: int
    system_id: int
    label: str
    kind: str
    status: str
    description: str = ""
    provider: str = ""


@dataclass(frozen=True)
class Link:
    id: int
    source_id: int
    target_id: int
    strength: str
    note: str = ""


@dataclass
class MapData:
    """What one picture of the map shows: systems in order, nodes and links on the map."""

    systems: list[MapSystem]
    nodes: list[Node]
    links: list[Link]
    version: int = 0
    pending_nodes: list[MapNode] = field(default_factory=list)
    pending_links: list[MapLink] = field(default_factory=list)

    @property
    def node_by_id(self) -> dict[int, Node]:
        return {node.id: node for node in self.nodes}

    @property
    def system_by_id(self) -> dict[int, MapSystem]:
        return {system.id: system for system in self.systems}

    def filtered(self, system_id: int | None = None, only: Only = Only.ALL) -> "MapData":
        """A subset: one system (with the nodes it links to), only gaps, only broken links.

        Links are kept when both their ends are kept; with ``Only.BROKEN`` the nodes are the
        ends of the broken and missing links.
        """
        nodes, links = self.nodes, self.links
        if only == Only.BROKEN:
            broken = {MapLink.Strength.BROKEN, MapLink.Strength.MISSING}
            links = [link for link in links if link.strength in broken]
            ends = {link.source_id for link in links} | {link.target_id for link in links}
            nodes = [node for node in nodes if node.id in ends]
        elif only == Only.GAPS:
            nodes = [node for node in nodes if node.status == MapNode.Status.GAP]
        if system_id is not None:
            inside = {node.id for node in nodes if node.system_id == system_id}
            links = [link for link in links if {link.source_id, link.target_id} & inside]
            ends = {link.source_id for link in links} | {link.target_id for link in links}
            nodes = [node for node in nodes if node.id in inside or node.id in ends]
        kept = {node.id for node in nodes}
        links = [link for link in links if link.source_id in kept and link.target_id in kept]
        systems = self.systems
        if system_id is not None or only != Only.ALL:
            # A filtered picture shows the systems it has something in, not 13 empty panels.
            used = {node.system_id for node in nodes} | {system_id}
            systems = [system for system in systems if system.id in used]
        return MapData(systems, nodes, links, self.version)


def system_ratings(workshop_id: int) -> dict[int, tuple[float, int]]:
    """The survey's mean rating of each system (all dimensions) and how many people rated it."""
    rows = (
        Answer.objects.filter(
            response__survey__workshop_id=workshop_id,
            response__submitted_at__isnull=False,
            question__kind=Question.Kind.SYSTEM_MATRIX,
            system__isnull=False,
            value_int__isnull=False,
        )
        .exclude(value_int=DONT_KNOW)
        .values("system_id")
        .annotate(mean=Avg("value_int"), raters=Count("response", distinct=True))
    )
    return {row["system_id"]: (float(row["mean"]), row["raters"]) for row in rows}


def weakest_systems(ratings: dict[int, tuple[float, int]], count: int = WEAKEST) -> set[int]:
    rated = [(mean, pk) for pk, (mean, raters) in ratings.items() if raters >= MIN_RATERS]
    return {pk for _, pk in sorted(rated)[:count]}


def load_map(workshop: Workshop, with_pending: bool = False) -> MapData:
    """The whole map of a workshop, in a fixed number of queries whatever its size."""
    ratings = system_ratings(workshop.pk)
    weakest = weakest_systems(ratings)
    systems = [
        MapSystem(
            s.pk,
            _(s.name),
            s.pk in weakest,
            round(ratings[s.pk][0], 1) if ratings.get(s.pk, (0, 0))[1] >= MIN_RATERS else None,
        )
        for s in System.objects.order_by("order", "name")
    ]
    nodes = [
        Node(n.pk, n.system_id, n.label, n.kind, n.status, n.description, n.provider)
        for n in workshop.map_nodes.filter(proposal=Proposal.ACCEPTED)
    ]
    links = [
        Link(link.pk, link.source_id, link.target_id, link.strength, link.note)
        for link in workshop.map_links.filter(proposal=Proposal.ACCEPTED)
    ]
    version = (
        SystemMap.objects.filter(workshop=workshop).values_list("version", flat=True).first() or 0
    )
    data = MapData(systems, nodes, links, version)
    if with_pending:
        data.pending_nodes = list(
            workshop.map_nodes.filter(proposal=Proposal.PENDING).select_related(
                "system", "suggested_by__user"
            )
        )
        data.pending_links = list(
            workshop.map_links.filter(proposal=Proposal.PENDING).select_related(
                "source", "target", "suggested_by__user"
            )
        )
    return data


def map_version(workshop_id: int) -> int:
    return (
        SystemMap.objects.filter(workshop_id=workshop_id).values_list("version", flat=True).first()
        or 0
    )


def bump(workshop: Workshop) -> None:
    """Tell live screens that the map changed."""
    system_map, _created = SystemMap.objects.get_or_create(workshop=workshop)
    SystemMap.objects.filter(pk=system_map.pk).update(version=F("version") + 1)


# --- edits ------------------------------------------------------------------------------------


def label_taken(workshop: Workshop, system: System, label: str, exclude: int | None = None) -> bool:
    nodes = workshop.map_nodes.exclude(proposal=Proposal.DISMISSED).filter(system=system)
    if exclude is not None:
        nodes = nodes.exclude(pk=exclude)
    return nodes.annotate(lower=Lower("label")).filter(lower=label.strip().lower()).exists()


def taken_message(label: str) -> str:
    return _("“%(label)s” is already on the map in this system.") % {"label": label}


@transaction.atomic
def save_node(node: MapNode) -> MapNode:
    """Add or change a node (already validated); refuses a name taken in its system."""
    if label_taken(node.workshop, node.system, node.label, exclude=node.pk):
        raise MapError(taken_message(node.label))
    try:
        with transaction.atomic():
            node.save()
    except IntegrityError:  # the same name added by someone else a moment ago
        raise MapError(taken_message(node.label)) from None
    bump(node.workshop)
    return node


def ordered(source: MapNode, target: MapNode) -> tuple[MapNode, MapNode]:
    return (source, target) if source.pk < target.pk else (target, source)


def link_problem(workshop: Workshop, source: MapNode, target: MapNode, exclude=None) -> str:
    """Why a link between these two nodes cannot be made ("" if it can)."""
    if source.workshop_id != workshop.pk or target.workshop_id != workshop.pk:
        return _("Both ends of a link must be on this workshop's map.")
    if source.pk == target.pk:
        return _("A link joins two different nodes: choose another one.")
    if Proposal.DISMISSED in (source.proposal, target.proposal):
        return _("One of these nodes was dismissed: it is not on the map.")
    low, high = ordered(source, target)
    existing = workshop.map_links.filter(source=low, target=high).exclude(
        proposal=Proposal.DISMISSED
    )
    if exclude is not None:
        existing = existing.exclude(pk=exclude)
    if existing.exists():
        return _("%(a)s and %(b)s are already linked: change that link instead.") % {
            "a": low.label,
            "b": high.label,
        }
    return ""


@transaction.atomic
def save_link(link: MapLink) -> MapLink:
    """Add or change a link (already validated); refuses self-links, duplicates, other maps."""
    problem = link_problem(link.workshop, link.source, link.target, exclude=link.pk)
    if problem:
        raise MapError(problem)
    if link.proposal == Proposal.ACCEPTED and Proposal.PENDING in (
        link.source.proposal,
        link.target.proposal,
    ):
        # A link on the map whose end is not would point at nothing in the picture.
        raise MapError(_("Accept the nodes this link joins first."))
    link.source, link.target = ordered(link.source, link.target)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise MapError(_("These two nodes are already linked.")) from None
    bump(link.workshop)
    return link


@transaction.atomic
def decide(item: MapNode | MapLink, accept: bool) -> None:
    """A facilitator accepts or dismisses a participant's suggestion."""
    if item.proposal != Proposal.PENDING:
        raise MapError(_("This suggestion was already handled."))
    linked = {item.source.proposal, item.target.proposal} if isinstance(item, MapLink) else set()
    if accept and linked and linked != {Proposal.ACCEPTED}:
        raise MapError(_("Accept the nodes this link joins first."))
    if (
        accept
        and isinstance(item, MapNode)
        and label_taken(item.workshop, item.system, item.label, exclude=item.pk)
    ):
        raise MapError(
            _("“%(label)s” is already on the map in this system: dismiss this suggestion.")
            % {"label": item.label}
        )
    item.proposal = Proposal.ACCEPTED if accept else Proposal.DISMISSED
    item.save(update_fields=["proposal", "updated_at"])
    if isinstance(item, MapNode) and not accept:
        # Suggested links to a dismissed node could never be accepted: dismiss them with it.
        for link in item.workshop.map_links.filter(
            Q(source=item) | Q(target=item), proposal=Proposal.PENDING
        ):
            link.proposal = Proposal.DISMISSED
            link.save(update_fields=["proposal", "updated_at"])
    bump(item.workshop)


@transaction.atomic
def remove_node(node: MapNode) -> None:
    """Take a node off the map (its links go with it; both stay in the history)."""
    workshop = node.workshop
    node.delete()
    bump(workshop)


@transaction.atomic
def remove_link(link: MapLink) -> None:
    workshop = link.workshop
    link.delete()
    bump(workshop)


@transaction.atomic
def start_from_known(workshop: Workshop) -> int:
    """One agency node per participant agency not on the map yet; returns how many were added."""
    taken = {
        (system_id, label.lower())
        for system_id, label in workshop.map_nodes.exclude(proposal=Proposal.DISMISSED).values_list(
            "system_id", "label"
        )
    }
    added = 0
    members = (
        workshop.memberships.filter(role=Membership.Role.PARTICIPANT, system__isnull=False)
        .exclude(agency="")
        .order_by("system__order", "agency", "id")
    )
    for member in members:
        label = member.agency.strip()[: MapNode._meta.get_field("label").max_length]
        key = (member.system_id, label.lower())
        if not label or key in taken:
            continue
        taken.add(key)
        MapNode.objects.create(
            workshop=workshop,
            system_id=member.system_id,
            kind=MapNode.Kind.AGENCY,
            label=label,
            membership=member,
        )
        added += 1
    system_map, _created = SystemMap.objects.get_or_create(workshop=workshop)
    SystemMap.objects.filter(pk=system_map.pk).update(
        version=F("version") + 1, started_at=system_map.started_at or timezone.now()
    )
    return added


def pending_count(workshop: Workshop) -> int:
    return (
        MapNode.objects.filter(workshop=workshop, proposal=Proposal.PENDING).count()
        + MapLink.objects.filter(workshop=workshop, proposal=Proposal.PENDING).count()
    )
