"""Who may do what in a workshop, and the decorators every view uses to say so.

Every view carries an ``access_policy`` attribute set by one of the decorators here (or by
``public``); a test fails when a URL pattern's view has none. Outsiders of a workshop get 404,
members lacking a right get 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, wraps
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from socplan.rows import Columns, build_all, fetch_all, fetch_one
from workshops import pagecache
from workshops.models import County, Membership, State, StateReviewer, Workshop

SESSION_WORKSHOPS_KEY = "link_workshops"


class Perm(StrEnum):
    VIEW = "view"  # see the workshop's pages
    PARTICIPATE = "participate"  # own survey, data-table row, votes, personal plan
    PREPARE = "prepare"  # meetings, roster, invitations
    RUN = "run"  # sessions, debriefs, live activities
    EDIT_PLAN = "edit_plan"  # gaps, priorities, the action plan
    MANAGE = "manage"  # assign facilitators and committee, configure the workshop
    REVIEW = "review"  # approve plans, state-level decisions


class Role(StrEnum):
    """Everyone's role in a workshop, the state team's included (which is not a membership)."""

    REVIEWER = "reviewer"
    FACILITATOR = Membership.Role.FACILITATOR.value
    COMMITTEE = Membership.Role.COMMITTEE.value
    PARTICIPANT = Membership.Role.PARTICIPANT.value

    @property
    def label(self) -> str:
        if self is Role.REVIEWER:
            return "State reviewer"
        return Membership.Role(self.value).label


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.REVIEWER: frozenset(Perm),
    Role.FACILITATOR: frozenset(
        {Perm.VIEW, Perm.PARTICIPATE, Perm.PREPARE, Perm.RUN, Perm.EDIT_PLAN}
    ),
    Role.COMMITTEE: frozenset({Perm.VIEW, Perm.PARTICIPATE, Perm.PREPARE, Perm.EDIT_PLAN}),
    Role.PARTICIPANT: frozenset({Perm.VIEW, Perm.PARTICIPATE}),
}


@dataclass(frozen=True)
class WorkshopAccess:
    workshop: Workshop
    role: Role
    membership: Membership | None

    def can(self, perm: Perm) -> bool:
        return perm in ROLE_PERMS[self.role]


def link_only(user) -> bool:
    """People without a password (participants) are only let into workshops of their link."""
    return not user.has_usable_password()


def remember_link_workshop(session, workshop: Workshop) -> None:
    """Lets a signed-in participant into the workshop whose link they used."""
    codes = set(session.get(SESSION_WORKSHOPS_KEY, []))
    codes.add(str(workshop.code))
    session[SESSION_WORKSHOPS_KEY] = sorted(codes)


def workshop_access(request: HttpRequest, code: UUID) -> WorkshopAccess:
    """The user's access to the workshop, or 404 if they have none."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such workshop.")
    # One query: the workshop, the caller's membership of it, and whether they are on its
    # state's team (who see the workshop as reviewers, members or not).
    workshop, membership, by_reviewer = access_of(code, user.pk)
    if workshop is None or (membership is None and not by_reviewer):
        raise Http404("No such workshop.")
    if by_reviewer:
        return WorkshopAccess(workshop, Role.REVIEWER, None)
    if link_only(user) and str(workshop.code) not in request.session.get(SESSION_WORKSHOPS_KEY, []):
        raise Http404("No such workshop.")
    return WorkshopAccess(workshop, Role(membership.role), membership)


@cache
def access_columns() -> list[Columns]:
    return [
        Columns(Workshop, "w"),
        Columns(County, "c"),
        Columns(State, "s"),
        Columns(Membership, "m"),
    ]


def access_sql(connection) -> str:
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Membership, Workshop, County, State, StateReviewer)
    }
    selected = ", ".join(part.sql(connection) for part in access_columns())
    reviewer = (
        f"SELECT 1 FROM {table[StateReviewer]} r "  # noqa: S608  # nosec B608
        "WHERE r.user_id = %s AND r.state_id = c.state_id"
    )
    joins = (
        f"{table[Workshop]} w JOIN {table[County]} c ON c.id = w.county_id "
        f"JOIN {table[State]} s ON s.id = c.state_id "
        f"LEFT JOIN {table[Membership]} m ON m.workshop_id = w.id AND m.user_id = %s"
    )
    return f"SELECT {selected}, EXISTS ({reviewer}) FROM {joins} WHERE w.code = %s"  # noqa: S608  # nosec B608


def access_of(code: UUID, user_id: int) -> tuple[Workshop | None, Membership | None, bool]:
    """The workshop ``code`` with its county and state, the user's membership of it (or None),
    and whether they are on that state's team; (None, None, False) for no such workshop.

    One hand-written query: every request under /w/ makes it, and through the ORM building it
    took longer than running it (``socplan.rows``).
    """
    prepared = Workshop._meta.get_field("code").get_db_prep_value
    connection, row = fetch_one(
        Workshop, access_sql, lambda connection: [user_id, user_id, prepared(code, connection)]
    )
    if row is None:
        return None, None, False
    workshop, county, state, membership = build_all(access_columns(), row, connection)
    Workshop.county.field.set_cached_value(workshop, county)
    County.state.field.set_cached_value(county, state)
    if membership is not None:  # None: the LEFT JOIN found no membership
        Membership.workshop.field.set_cached_value(membership, workshop)
    return workshop, membership, bool(row[-1])


def workshop_view(perm: Perm) -> Callable:
    """For views under /w/<code>/: 404 for outsiders, 403 without ``perm``.

    The view is called with ``workshop`` instead of ``code`` and finds the caller's access
    in ``request.access``.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, code: UUID, *args, **kwargs) -> HttpResponse:
            access = workshop_access(request, code)
            if not access.can(perm):
                raise PermissionDenied(f"Your role in this workshop cannot {perm.value}.")
            request.access = access
            response = view(request, access.workshop, *args, **kwargs)
            if request.method in pagecache.UNSAFE_METHODS:
                pagecache.touch(access.workshop.pk)  # its cached pages are out of date
            return response

        wrapped.access_policy = f"workshop:{perm.value}"
        return wrapped

    return decorator


def reviewed_states_sql(connection) -> str:
    """The ORM's own query of ``pagecache.with_version`` on the user's states, compiled once:
    compiling it cost more than the database took to answer (``socplan.rows``)."""
    query = pagecache.with_version(State.objects.filter(reviewers__user_id=0)).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    if list(params) != [0]:  # the user's id is its one value, the placeholder it is given
        raise ValueError(f"Unexpected values in the reviewed states' query: {params}")
    return sql


def reviewed_states(user_id: int) -> list[State]:
    """The states whose team the user is on, each with its page-cache version (what
    ``pagecache.with_version`` adds: ``latest_change``, ``workshop_count``), as the ORM gives
    them, in one query written once."""
    connection, rows = fetch_all(State, reviewed_states_sql, lambda connection: [user_id])
    columns, latest_change = state_columns()
    states = []
    for row in rows:
        state = columns.build(row, 0, connection)
        (state.latest_change,) = latest_change.values(row, columns.width, connection)
        state.workshop_count = row[columns.width + 1]
        states.append(state)
    return states


@cache
def state_columns() -> tuple[Columns, Columns]:
    """The state's columns, then the latest change among its workshops (a workshop's
    ``content_changed_at``: converted as that field is)."""
    changed = (Workshop._meta.get_field("content_changed_at"),)
    return Columns(State, "s"), Columns(Workshop, "w", fields=changed)


def state_reviewer(view: Callable) -> Callable:
    """Members of a state SOC team; 403 for anyone else signed in.

    The view finds the states whose team the user is on in ``request.reviewed_states``, each
    with its page-cache version (``pagecache.with_version``), all from one query.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        states = []
        if request.user.is_authenticated:
            states = reviewed_states(request.user.pk)
        if not states:
            raise PermissionDenied("Only the state SOC team can do this.")
        request.reviewed_states = states
        return view(request, *args, **kwargs)

    wrapped.access_policy = "state-reviewer"
    return wrapped


def signed_in(view: Callable) -> Callable:
    """Any signed-in person; the view itself narrows what they see to their own workshops."""
    view.access_policy = "signed-in"
    return view


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not (login, magic links, the landing page)."""
    view = login_not_required(view)
    view.access_policy = "public"
    return view
