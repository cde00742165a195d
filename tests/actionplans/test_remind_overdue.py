"""remind_overdue: one email per lead of overdue steps, at most once per step per period."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ActionStep
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, county, plan_tree

Status = ActionStep.Status


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("remind_overdue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def overdue(step: ActionStep, member, days: int = 3, **fields) -> ActionStep:
    due = timezone.localdate() - timedelta(days=days)
    ActionStep.objects.filter(pk=step.pk).update(start=None, due=due, lead_member=member, **fields)
    step.refresh_from_db()
    return step


def test_each_lead_gets_one_message_listing_their_overdue_steps(cast):
    tree = plan_tree(cast.workshop)
    first = overdue(tree.step, cast.participant)
    second = overdue(plan_tree(cast.workshop, 2).step, cast.participant, days=10)
    staff = overdue(plan_tree(cast.workshop, 3).step, cast.committee)
    overdue(plan_tree(cast.workshop, 4).step, cast.participant, status=Status.DONE)
    output, errors = run()
    assert errors == ""
    assert "Sent 2 reminder(s) about 3 overdue step(s); 0 failed." in output
    assert len(mail.outbox) == 2
    to_participant = next(m for m in mail.outbox if m.to == [cast.participant.user.email])
    assert to_participant.subject == (
        f"Overdue action steps: {cast.workshop.title} ({cast.workshop.county})"
    )
    body = to_participant.body
    assert "Step 1" in body and "Step 2" in body and "Step 4" not in body
    for step in (first, second):
        link = reverse("actionplans:step_progress", args=[cast.workshop.code, step.pk])
        assert settings.SITE_URL + link in body
    # A participant signs in with a fresh magic link first.
    assert f"/join/{cast.workshop.code}/?token=" in body
    assert "Sign in with your personal link (no password needed); it opens the plan's" in body
    to_staff = next(m for m in mail.outbox if m.to == [cast.committee.user.email])
    assert "Step 3" in to_staff.body
    assert "token=" not in to_staff.body and "personal link" not in to_staff.body
    link = reverse("actionplans:step_progress", args=[cast.workshop.code, staff.pk])
    assert settings.SITE_URL + link in to_staff.body
    assert ActionStep.objects.filter(reminded_at__isnull=False).count() == 3


def sign_in_from(client, body: str):
    """Open the email's sign-in link and confirm, as a lead does; the answer to the confirm."""
    link = body.split("personal link")[1].split(settings.SITE_URL)[1].split()[0]
    confirm = client.get(link)
    assert confirm.status_code == 200
    form = confirm.text.split('action="/join/')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(token|next)" value="([^"]*)"', form))
    return client.post(link.split("?")[0], fields)


def test_the_magic_link_signs_the_lead_in_and_opens_their_step(client, cast):
    step = overdue(plan_tree(cast.workshop).step, cast.participant)
    run()
    response = sign_in_from(client, mail.outbox[0].body)
    page = reverse("actionplans:step_progress", args=[cast.workshop.code, step.pk])
    assert response.status_code == 302
    assert response.url == page
    assert client.get(page).status_code == 200


def test_for_several_steps_the_magic_link_opens_the_plans_progress(client, cast):
    overdue(plan_tree(cast.workshop).step, cast.participant)
    overdue(plan_tree(cast.workshop, 2).step, cast.participant)
    run()
    response = sign_in_from(client, mail.outbox[0].body)
    assert response.url == reverse("actionplans:progress", args=[cast.workshop.code])


def test_it_reminds_of_a_step_at_most_once_per_period(cast):
    step = overdue(plan_tree(cast.workshop).step, cast.participant)
    run()
    assert len(mail.outbox) == 1
    output, _errors = run()
    assert len(mail.outbox) == 1
    assert "Sent 0 reminder(s)" in output
    ActionStep.objects.filter(pk=step.pk).update(reminded_at=timezone.now() - timedelta(days=8))
    run()
    assert len(mail.outbox) == 2
    ActionStep.objects.filter(pk=step.pk).update(reminded_at=timezone.now() - timedelta(days=2))
    run("--every-days", "3")
    assert len(mail.outbox) == 2
    run("--every-days", "1")
    assert len(mail.outbox) == 3


def test_a_dry_run_prints_and_sends_nothing(cast):
    overdue(plan_tree(cast.workshop).step, cast.participant)
    output, _errors = run("--dry-run")
    name = cast.participant.user.get_full_name()
    assert f"would email {name} <{cast.participant.user.email}>" in output
    assert "1 overdue: Step 1" in output
    assert "Dry run: 1 reminder(s) about 1 overdue step(s) would be sent." in output
    assert mail.outbox == []
    assert not ActionStep.objects.filter(reminded_at__isnull=False).exists()


def test_a_failed_message_is_tried_again_next_time(cast):
    overdue(plan_tree(cast.workshop).step, cast.participant)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")):
        output, errors = run()
    assert "failed to email" in errors and "no route" in errors
    assert "Sent 0 reminder(s) about 0 overdue step(s); 1 failed." in output
    assert not ActionStep.objects.filter(reminded_at__isnull=False).exists()
    run()
    assert len(mail.outbox) == 1


def test_it_leaves_out_steps_without_a_lead_in_the_workshop(cast):
    plan_tree(cast.workshop)
    ActionStep.objects.update(start=None, due=timezone.localdate() - timedelta(days=3))
    other = WorkshopFactory(county=county("Erie"))
    overdue(plan_tree(other).step, cast.outsider)
    run()
    assert len(mail.outbox) == 1  # the other county's lead; nobody leads this county's step
    assert mail.outbox[0].to == [cast.outsider.user.email]
    assert "Erie" in mail.outbox[0].subject


def test_it_refuses_a_period_below_a_day(cast):
    with pytest.raises(CommandError, match="--every-days must be 1 or more"):
        run("--every-days", "0")


def test_the_lead_reaches_the_step_from_the_email(client, cast):
    overdue(plan_tree(cast.workshop).step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    run()
    link = mail.outbox[0].body.split("Post its progress: ")[1].split()[0]
    assert client.get(link.removeprefix(settings.SITE_URL)).status_code == 200
