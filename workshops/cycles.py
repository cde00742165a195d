"""A county's cycles: each cycle is a workshop, and the next one can start from the last.

Starting a new cycle from the last copies its roster, so that the survey is repeated with the
same people: every membership with its role, system, agency, job title and leadership flag.
Invitations and acceptances are not copied; participants get new links for the new workshop.

The Administrative Data Table has a line for every participant of the roster (a ``DataRow``
appears when they first save figures), so the copied roster is its row structure. Last cycle's
figures are not copied: prefilled figures would look like this cycle's, with nothing on the
participant's row page to say otherwise, and could be marked complete unread. They stay in the
last cycle's workshop, where the data table and its exports show them.
"""

from simple_history.utils import bulk_create_with_history

from workshops.models import County, Membership, Workshop

COPIED_FIELDS = ["role", "system_id", "agency", "title", "leadership"]


def latest_workshop(county: County | int) -> Workshop | None:
    """The county's current workshop: the latest cycle (the latest created within a cycle)."""
    return (
        Workshop.objects.filter(county=county)
        .select_related("county")
        .order_by("-cycle", "-created_at", "-pk")
        .first()
    )


def previous_cycle(workshop: Workshop) -> Workshop | None:
    """The county's latest workshop of an earlier cycle than ``workshop``'s."""
    return (
        Workshop.objects.filter(county_id=workshop.county_id, cycle__lt=workshop.cycle)
        .order_by("-cycle", "-created_at", "-pk")
        .first()
    )


def roster_counts(workshop: Workshop) -> dict[str, int]:
    """How many people of each role a copy of the workshop's roster brings."""
    counts = dict.fromkeys(Membership.Role.values, 0)
    for role in workshop.memberships.values_list("role", flat=True):
        counts[role] += 1
    return counts


def copy_roster(source: Workshop, target: Workshop, by=None) -> list[Membership]:
    """Copies the memberships of ``source`` into ``target`` (people already in it are skipped);
    their history records ``by`` as who added them."""
    present = set(target.memberships.values_list("user_id", flat=True))
    copies = [
        Membership(
            workshop=target,
            user_id=member.user_id,
            **{name: getattr(member, name) for name in COPIED_FIELDS},
        )
        for member in source.memberships.order_by("pk")
        if member.user_id not in present
    ]
    return bulk_create_with_history(copies, Membership, default_user=by)
