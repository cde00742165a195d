"""Email the leads of overdue action steps: one message per lead listing their overdue steps,
each with a link to post its progress, at most once per step every ``--every-days`` days.

Meant for cron (see docs/implementation.md). Participants get a fresh sign-in link in the
message, as with invitations (``workshops.links.link_email``); staff, who sign in with a
password, get the plain links. A message that cannot be sent leaves its steps unmarked, so the
next run tries again.
"""

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actionplans import progress
from actionplans.models import ActionStep
from workshops.access import link_only
from workshops.links import link_email
from workshops.models import Membership


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def reminder_email(
    membership: Membership, steps: list[ActionStep], every_days: int
) -> EmailMessage:
    """The message to one lead about their overdue steps."""
    workshop = membership.workshop
    subject = f"Overdue action steps: {workshop.title} ({workshop.county})"
    pages = [reverse("actionplans:step_progress", args=[workshop.code, step.pk]) for step in steps]
    progress = reverse("actionplans:progress", args=[workshop.code])
    context = {
        "steps": [(step, absolute(page)) for step, page in zip(steps, pages, strict=True)],
        "progress_url": absolute(progress),
        "every_days": every_days,
    }
    if link_only(membership.user):
        # The sign-in link leads to the one step, or to the plan's progress for several.
        landing = pages[0] if len(pages) == 1 else progress
        return link_email(membership, subject, "emails/overdue.txt", landing, **context)
    context |= {"membership": membership, "workshop": workshop, "url": None}
    return EmailMessage(
        subject=subject,
        body=render_to_string("emails/overdue.txt", context),
        to=[membership.user.email],
    )


class Command(BaseCommand):
    help = (
        "Email each lead of overdue action steps (not done or dropped, due before today) one "
        "message listing them with links to post progress; a step at most once every "
        "--every-days days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every-days",
            type=int,
            default=7,
            help="Remind of a step at most once in this many days (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args, every_days: int, dry_run: bool, **options):
        if every_days < 1:
            raise CommandError("--every-days must be 1 or more.")
        now = timezone.now()
        due = progress.reminders_due(now, every_days)
        sent, failed, steps_sent = 0, 0, 0
        for membership, steps in due.items():
            who = f"{membership.display_name} <{membership.user.email}>"
            titles = "; ".join(step.title for step in steps)
            if dry_run:
                self.stdout.write(
                    f"would email {who} ({membership.workshop}): {len(steps)} overdue: {titles}"
                )
                continue
            try:
                reminder_email(membership, steps, every_days).send()
            except (OSError, SMTPException) as error:
                failed += 1
                self.stderr.write(f"failed to email {who}: {error}")
                continue
            progress.mark_reminded(steps, now)
            sent += 1
            steps_sent += len(steps)
            self.stdout.write(f"emailed {who} ({membership.workshop}): {len(steps)} overdue")
        if dry_run:
            total = sum(len(steps) for steps in due.values())
            self.stdout.write(
                f"Dry run: {len(due)} reminder(s) about {total} overdue step(s) would be sent."
            )
        else:
            self.stdout.write(
                f"Sent {sent} reminder(s) about {steps_sent} overdue step(s); {failed} failed."
            )
