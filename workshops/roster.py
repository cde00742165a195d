"""The roster: adding, changing and removing participants, and emailing their invitations.

Every addition goes through ``add_participants``, which locks the workshop row so that two
people adding at the same moment cannot take the roster past its ``max_participants``.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from workshops.links import link_email
from workshops.models import Membership, System, Workshop

PARTICIPANT = Membership.Role.PARTICIPANT
INVITATION_FIELDS = ["invited_at", "last_link_sent_at", "link_opened_at", "accepted_at"]


@dataclass(frozen=True)
class Person:
    """What the roster knows about a participant; ``email`` is lowercased."""

    first_name: str
    last_name: str
    email: str
    agency: str
    title: str
    system: System
    leadership: bool = True


class RosterError(Exception):
    """A roster change refused as a whole; the message is meant for people."""


class RosterFull(RosterError):
    pass


class AlreadyOnRoster(RosterError):
    def __init__(self, emails: list[str]):
        self.emails = emails
        super().__init__(f"Already on the roster: {', '.join(emails)}.")


def participant_count(workshop: Workshop) -> int:
    return workshop.memberships.filter(role=PARTICIPANT).count()


def cap_message(workshop: Workshop, current: int, adding: int = 1) -> str:
    limit = workshop.max_participants
    advice = "Remove someone or ask the state team to raise the limit."
    if current >= limit:
        return f"This workshop already has {current} participants, the most it can have. {advice}"
    return (
        f"This workshop has {current} participants and can have at most {limit}: adding "
        f"{adding} would make {current + adding}. {advice}"
    )


def roster_emails(workshop: Workshop, exclude: Membership | None = None) -> set[str]:
    """Addresses (and usernames) of everyone in the workshop, lowercased."""
    members = workshop.memberships.all()
    if exclude is not None:
        members = members.exclude(pk=exclude.pk)
    taken = set()
    for email, username in members.values_list("user__email", "user__username"):
        taken.update(value.lower() for value in (email, username) if value)
    return taken


def users_by_email(emails: list[str]) -> dict:
    """Existing accounts for the addresses: one whose username is the address wins."""
    User = get_user_model()
    found: dict = {}
    users = (
        User.objects.annotate(email_lower=Lower("email"), username_lower=Lower("username"))
        .filter(Q(username_lower__in=emails) | Q(email_lower__in=emails))
        .order_by("pk")
    )
    for user in users:
        if user.username_lower in emails:
            found[user.username_lower] = user
    for user in users:
        found.setdefault(user.email_lower, user)
    return found


def new_user(person: Person):
    """A participant's account: no password, they sign in by magic link."""
    return get_user_model().objects.create_user(
        username=person.email,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
    )


def add_participants(workshop: Workshop, people: list[Person]) -> list[Membership]:
    """Adds everyone or no one; refuses past the cap or when someone is already a member."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        current = participant_count(locked)
        if current + len(people) > locked.max_participants:
            raise RosterFull(cap_message(locked, current, len(people)))
        taken = roster_emails(locked)
        duplicates = [person.email for person in people if person.email in taken]
        if duplicates:
            raise AlreadyOnRoster(duplicates)
        existing = users_by_email([person.email for person in people])
        added = []
        try:
            with transaction.atomic():
                for person in people:
                    user = existing.get(person.email) or new_user(person)
                    added.append(
                        Membership.objects.create(
                            workshop=locked,
                            user=user,
                            role=PARTICIPANT,
                            system=person.system,
                            agency=person.agency,
                            title=person.title,
                            leadership=person.leadership,
                        )
                    )
        except IntegrityError as error:
            # The same person twice in one batch, or added by someone else meanwhile.
            raise AlreadyOnRoster([person.email for person in people]) from error
        return added


@transaction.atomic
def update_participant(membership: Membership, person: Person) -> Membership:
    """Saves changes; a new email address moves the membership to that person's account.

    The account of a participant may be shared with other workshops, so it is changed in place
    only when it is a link-only account of this workshop alone. A new address also resets the
    invitation, which went to the old one.
    """
    user = membership.user
    if person.email != user.email.lower():
        if person.email in roster_emails(membership.workshop, exclude=membership):
            raise AlreadyOnRoster([person.email])
        other = users_by_email([person.email]).get(person.email)
        own_account = (
            not user.has_usable_password()
            and not user.memberships.exclude(pk=membership.pk).exists()
            and not user.state_roles.exists()
        )
        if other is not None:
            user = other  # someone else's account: their names are theirs to keep
        elif own_account:
            user.username = user.email = person.email
        else:
            user = new_user(person)
        for field in INVITATION_FIELDS:
            setattr(membership, field, None)
    if user.pk == membership.user_id:
        user.first_name, user.last_name = person.first_name, person.last_name
        user.save()
    membership.user = user
    membership.system = person.system
    membership.agency = person.agency
    membership.title = person.title
    membership.leadership = person.leadership
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise AlreadyOnRoster([person.email]) from error
    return membership


def invitation_email(membership: Membership, inviter) -> EmailMessage:
    """The invitation, worded for where the workshop is: the sessions to come and the survey
    and data table to fill in before them, or (someone added later) the sessions held."""
    workshop = membership.workshop
    sessions = list(workshop.sessions.order_by("number"))
    now = timezone.now()
    message = link_email(
        membership,
        f"Invitation: {workshop.title} ({workshop.county})",
        "emails/invitation.txt",
        inviter=inviter.get_full_name() or inviter.email or "The planning committee",
        sessions=sessions,
        held=bool(sessions) and all(session.ends_at <= now for session in sessions),
        before=workshop.stage in (Workshop.Stage.PREPARE, Workshop.Stage.ASSESS),
        leads_steps=membership.pk is not None and membership.led_steps.exists(),
    )
    message.reply_to = [inviter.email] if inviter.email else []
    return message


def send_invitation(membership: Membership, inviter) -> None:
    """Emails the invitation with a fresh magic link; raises OSError when mail fails."""
    invitation_email(membership, inviter).send()
    now = timezone.now()
    membership.invited_at = membership.invited_at or now
    membership.last_link_sent_at = now
    membership.save(update_fields=["invited_at", "last_link_sent_at"])
