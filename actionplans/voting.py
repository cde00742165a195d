"""Dot voting on a workshop's gaps, and the promotion of gaps to priority areas.

A participant's dots are numbered slots (``Dot.slot``, unique per membership): placing a dot
inserts it into the lowest free slot up to the budget, so the database itself refuses a dot
beyond the budget, even from two tabs at once. The voter's membership row is locked first
(on PostgreSQL) so that one person's tabs take turns; the unique slot is what guarantees it.

Every change bumps ``Voting.version`` with a filtered UPDATE that is also the last word on
whether the dot may stand: voting still open, and the budget still covering its slot.
Screens poll ``board_version`` and fetch the board again only when it changed.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionplans.models import Dot, Gap, PriorityArea, Voting
from actionplans.models.gaps import MAX_DOTS
from actionplans.plans import priorities_changed
from workshops.models import Membership, Workshop

# Participants and the county's planning committee place dots; facilitators run the vote
# and state reviewers follow it, so they have none.
VOTERS = frozenset({Membership.Role.PARTICIPANT, Membership.Role.COMMITTEE})
POLL_SECONDS = 2


class VoteRefused(Exception):
    """A change to the vote that cannot be made, with a message for the person."""


def is_voter(membership: Membership | None) -> bool:
    return membership is not None and membership.role in VOTERS


def voting_of(workshop: Workshop) -> Voting:
    """The workshop's vote, unsaved (never opened, default budget) until someone changes it."""
    return Voting.objects.filter(workshop=workshop).first() or Voting(workshop=workshop)


# --- what the board shows ---------------------------------------------------------------------


@dataclass
class Board:
    """The gaps with their tallies and the viewer's own dots, loaded in three queries."""

    workshop: Workshop
    voting: Voting
    gaps: list[Gap]  # in the order they were proposed, so buttons stay put while people vote
    voter: bool  # the viewer has dots to place
    mine: int = 0  # dots the viewer has placed
    voters: int = 0  # people who placed at least one dot
    version: str = ""
    ranking: list[Gap] = field(default_factory=list)  # most dots first
    max_budget: int = MAX_DOTS

    @property
    def budget(self) -> int:
        return self.voting.budget

    @property
    def left(self) -> int:
        return max(self.budget - self.mine, 0)

    @property
    def slots(self) -> list[bool]:
        """One per dot of the budget, True when placed: the row of dots beside "2 of 3 left"."""
        return [True] * min(self.mine, self.budget) + [False] * self.left

    @property
    def total(self) -> int:
        return sum(gap.tally for gap in self.gaps)

    @property
    def is_open(self) -> bool:
        return self.voting.is_open

    @property
    def leader(self) -> Gap | None:
        return self.ranking[0] if self.ranking and self.ranking[0].tally else None


def board_gaps(workshop: Workshop, membership: Membership | None):
    mine = Count("dots", filter=Q(dots__membership=membership)) if membership else Value(0)
    return (
        Gap.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("priority")
        .annotate(tally=Count("dots"), mine=mine)
        .order_by("pk")
    )


def load_board(workshop: Workshop, membership: Membership | None) -> Board:
    voting = voting_of(workshop)
    gaps = list(board_gaps(workshop, membership))
    counts = Dot.objects.filter(workshop=workshop).aggregate(
        mine=Count("pk", filter=Q(membership=membership)),  # 0 when there is no membership
        voters=Count("membership", distinct=True),
    )
    most = max((gap.tally for gap in gaps), default=0)
    previous, position = None, 0
    ranking = sorted(gaps, key=lambda gap: (-gap.tally, gap.pk))
    for index, gap in enumerate(ranking, start=1):
        gap.share = round(100 * gap.tally / most) if most else 0
        if gap.tally != previous:  # ties share a place: 1, 2, 2, 4
            position, previous = index, gap.tally
        gap.place = position
    return Board(
        workshop=workshop,
        voting=voting,
        gaps=gaps,
        voter=is_voter(membership),
        mine=counts["mine"],
        voters=counts["voters"],
        version=version_key(voting.version, *gap_stamp(gaps)),
        ranking=ranking,
    )


def gap_stamp(gaps: list[Gap]) -> tuple[int, object]:
    return len(gaps), max((gap.updated_at for gap in gaps), default=None)


def version_key(voting_version: int, gap_count: int, last_change) -> str:
    """What a board shows: the vote's version and the state of the gaps on it."""
    stamp = int(last_change.timestamp() * 1000) if last_change else 0
    return f"{voting_version}-{gap_count}-{stamp}"


def board_version(workshop: Workshop) -> str:
    """The board's version in one query, for polls (a proposed or edited gap changes it too)."""
    gaps = (
        Gap.objects.filter(workshop=OuterRef("pk"), merged_into__isnull=True)
        .order_by()
        .values("workshop")
    )
    row = (
        Workshop.objects.filter(pk=workshop.pk)
        .values_list(
            Coalesce("voting__version", 0),
            Subquery(gaps.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Subquery(gaps.annotate(last=Max("updated_at")).values("last")),
        )
        .first()
    )
    if row is None:
        return ""
    version, count, last = row
    return version_key(version, count or 0, last)


def voting_context(
    workshop: Workshop, membership: Membership | None, next_url: str | None = None
) -> dict:
    """What ``actionplans/_voting_board.html`` needs, for the live session screen.

    Its forms bring people back to ``next_url`` after a plain POST: the live page unless
    told (the runner passes its own URL).
    """
    return {
        "board": load_board(workshop, membership),
        "voting_next": next_url or reverse("workshops:live", args=[workshop.code]),
        "voting_poll_seconds": POLL_SECONDS,
    }


# --- dots -------------------------------------------------------------------------------------


def lock_voter(membership: Membership) -> None:
    """One person's tabs take turns (a no-op on SQLite, which runs one writer at a time)."""
    list(Membership.objects.select_for_update().filter(pk=membership.pk).values_list("pk"))


def spent_message(budget: int) -> str:
    return ngettext(
        "You have placed your %(budget)d dot: take it back to move it.",
        "You have placed all %(budget)d of your dots: take one back to move it.",
        budget,
    ) % {"budget": budget}


def _refuse_unless_open(voting: Voting) -> None:
    if voting.closed_at is not None:
        raise VoteRefused(_("Voting is closed."))
    if voting.opened_at is None:
        raise VoteRefused(_("Voting has not started yet."))


def _current(workshop: Workshop) -> Voting:
    voting = Voting.objects.filter(workshop=workshop).first()
    if voting is None:
        raise VoteRefused(_("Voting has not started yet."))
    _refuse_unless_open(voting)
    return voting


def _bump(voting: Voting, slot: int = 1) -> None:
    """Counts the change, if voting is still open and the budget still covers ``slot``."""
    counted = Voting.objects.filter(
        pk=voting.pk, opened_at__isnull=False, closed_at__isnull=True, budget__gte=slot
    ).update(version=F("version") + 1)
    if not counted:
        now = Voting.objects.get(pk=voting.pk)
        _refuse_unless_open(now)
        raise VoteRefused(spent_message(now.budget))


def _check_voter(membership: Membership | None) -> Membership:
    if not is_voter(membership):
        raise VoteRefused(_("Only participants and committee members place dots."))
    return membership


def _free_slot(membership: Membership, budget: int) -> int | None:
    taken = set(Dot.objects.filter(membership=membership).values_list("slot", flat=True))
    return next((slot for slot in range(1, budget + 1) if slot not in taken), None)


def place_dot(workshop: Workshop, membership: Membership | None, gap: Gap) -> Dot:
    """Puts one of the person's dots on the gap (several on one gap are fine)."""
    membership = _check_voter(membership)
    with transaction.atomic():
        lock_voter(membership)
        voting = _current(workshop)
        for _attempt in range(2):
            slot = _free_slot(membership, voting.budget)
            if slot is None:
                raise VoteRefused(spent_message(voting.budget))
            try:
                with transaction.atomic():
                    dot = Dot.objects.create(
                        workshop=workshop, membership=membership, slot=slot, gap=gap
                    )
            except IntegrityError:
                continue  # another tab took the slot: look again
            _bump(voting, slot)
            return dot
    raise VoteRefused(_("Your dots changed in another window at the same moment: try again."))


def take_back(workshop: Workshop, membership: Membership | None, gap: Gap) -> None:
    """Takes one of the person's dots off the gap."""
    membership = _check_voter(membership)
    with transaction.atomic():
        lock_voter(membership)
        voting = _current(workshop)
        dot = Dot.objects.filter(membership=membership, gap=gap).order_by("-slot").first()
        if dot is None:
            raise VoteRefused(_("You have no dot on “%(gap)s” to take back.") % {"gap": gap})
        dot.delete()
        _bump(voting)


def move_dot(workshop: Workshop, membership: Membership | None, source: Gap, target: Gap) -> None:
    """Moves one of the person's dots from one gap to another."""
    membership = _check_voter(membership)
    if source.pk == target.pk:
        raise VoteRefused(_("Choose another gap to move the dot to."))
    with transaction.atomic():
        lock_voter(membership)
        voting = _current(workshop)
        dot = Dot.objects.filter(membership=membership, gap=source).order_by("-slot").first()
        if dot is None:
            raise VoteRefused(_("You have no dot on “%(gap)s” to move.") % {"gap": source})
        dot.gap = target
        dot.save(update_fields=["gap", "placed_at"])
        _bump(voting, dot.slot)


# --- the facilitator's controls ---------------------------------------------------------------


def _locked_voting(workshop: Workshop) -> Voting:
    voting, _created = Voting.objects.get_or_create(workshop=workshop)
    return Voting.objects.select_for_update().get(pk=voting.pk)


def touch(workshop_id: int) -> None:
    """Makes every board fetch itself again (a new, changed or merged gap, a promotion)."""
    Voting.objects.filter(workshop_id=workshop_id).update(version=F("version") + 1)


@transaction.atomic
def set_budget(workshop: Workshop, budget: int) -> Voting:
    """Gives each voter ``budget`` dots; refused while someone holds more than that."""
    if not 1 <= budget <= MAX_DOTS:
        raise VoteRefused(_("Choose between 1 and %(most)d dots.") % {"most": MAX_DOTS})
    # Voters holding dots first, then the vote: the order in which a dot takes its locks.
    holders = Dot.objects.filter(workshop=workshop).values("membership")
    list(
        Membership.objects.select_for_update()
        .filter(pk__in=holders)
        .order_by("pk")
        .values_list("pk")
    )
    voting = _locked_voting(workshop)
    if budget == voting.budget:
        return voting
    held = list(
        Dot.objects.filter(workshop=workshop)
        .values("membership")
        .annotate(n=Count("pk"), last=Max("slot"))
        .filter(Q(n__gt=budget) | Q(last__gt=budget))
    )
    over = [row for row in held if row["n"] > budget]
    if over:
        raise VoteRefused(
            ngettext(
                "%(count)d person already holds more than %(budget)d dots: the budget can "
                "only go down once they take some back.",
                "%(count)d people already hold more than %(budget)d dots: the budget can "
                "only go down once they take some back.",
                len(over),
            )
            % {"count": len(over), "budget": budget}
        )
    _renumber([row["membership"] for row in held])
    voting.budget = budget
    voting.version = F("version") + 1
    voting.save(update_fields=["budget", "version"])
    voting.refresh_from_db()
    return voting


def _renumber(membership_ids: list[int]) -> None:
    """Moves these voters' dots into slots 1, 2, … so that a lower budget covers them all."""
    dots = Dot.objects.filter(membership_id__in=membership_ids).order_by("membership_id", "slot")
    slot, current = 0, None
    for dot in dots:
        slot = slot + 1 if dot.membership_id == current else 1
        current = dot.membership_id
        if dot.slot != slot:  # ascending, so the slot is always free
            Dot.objects.filter(pk=dot.pk).update(slot=slot)


@transaction.atomic
def open_voting(workshop: Workshop, budget: int | None = None) -> Voting:
    if budget is not None:
        set_budget(workshop, budget)
    voting = _locked_voting(workshop)
    if voting.is_open:
        raise VoteRefused(_("Voting is already open."))
    voting.opened_at = timezone.now()
    voting.closed_at = None
    voting.closed_by = None
    voting.version = F("version") + 1
    voting.save(update_fields=["opened_at", "closed_at", "closed_by", "version"])
    voting.refresh_from_db()
    return voting


@transaction.atomic
def close_voting(workshop: Workshop, user) -> Voting:
    voting = _locked_voting(workshop)
    if not voting.is_open:
        raise VoteRefused(_("Voting is not open."))
    voting.closed_at = timezone.now()
    voting.closed_by = user
    voting.version = F("version") + 1
    voting.save(update_fields=["closed_at", "closed_by", "version"])
    voting.refresh_from_db()
    return voting


# --- priority areas ---------------------------------------------------------------------------


@transaction.atomic
def promote(workshop: Workshop, gap: Gap, level: str, user, title: str = "") -> PriorityArea:
    """Makes the gap a priority area, last in rank, with its dots at this moment.

    Refused while voting is open: the ranking would not be the room's final word. A
    workshop that never opened voting may promote gaps directly.
    """
    voting = _locked_voting(workshop)  # one promotion at a time: ranks stay 1, 2, 3, …
    if voting.is_open:
        raise VoteRefused(_("Close voting first: the tally may still change."))
    if gap.workshop_id != workshop.pk or gap.merged_into_id is not None:
        raise VoteRefused(_("That gap is not on this workshop's list."))
    if PriorityArea.objects.filter(gap=gap).exists():
        raise VoteRefused(_("“%(gap)s” is already a priority area.") % {"gap": gap})
    last = workshop.priorities.aggregate(last=Max("rank"))["last"] or 0
    try:
        with transaction.atomic():
            priority = PriorityArea.objects.create(
                workshop=workshop,
                gap=gap,
                title=title.strip() or gap.title,
                level=level,
                rank=last + 1,
                votes=gap.dots.count(),
                decided_by=user,
            )
    except IntegrityError:
        raise VoteRefused(_("“%(gap)s” is already a priority area.") % {"gap": gap}) from None
    touch(workshop.pk)
    priorities_changed(workshop)
    return priority


@transaction.atomic
def rerank(
    workshop: Workshop, priority: PriorityArea, *, rank: int | None = None, step: int = 0
) -> None:
    """Puts the priority area at ``rank`` (1 is first), or ``step`` places up (-1) or down
    (+1), and numbers the others around it."""
    areas = list(workshop.priorities.select_for_update().order_by("rank", "pk"))
    index = [area.pk for area in areas].index(priority.pk)
    moving = areas.pop(index)
    target = rank - 1 if rank is not None else index + step
    areas.insert(min(max(target, 0), len(areas)), moving)
    for number, area in enumerate(areas, start=1):
        if area.rank != number:
            area.rank = number
            area.version += 1
            area.save()  # a history row each: the ranking and who changed it are kept
    priorities_changed(workshop)
