from datetime import time, timedelta

import pytest
from django.utils import timezone

from tests.factories import SessionFactory
from workshops.formats import (
    AGENDAS,
    HeldSessionsError,
    PlanChange,
    apply_plan,
    diff_plans,
    plan_sessions,
)
from workshops.models import AgendaItem, Workshop, WorkshopSession

Mode = WorkshopSession.Mode
Format = Workshop.Format


def first_day():
    return timezone.localdate() + timedelta(days=30)


@pytest.mark.parametrize(
    ("workshop_format", "durations", "modes"),
    [
        (Format.VIRTUAL, [120] * 5, [Mode.ONLINE] * 5),
        (Format.HYBRID, [120, 120, 120, 210], [Mode.ONLINE] * 3 + [Mode.IN_PERSON]),
        (Format.IN_PERSON, [450], [Mode.IN_PERSON]),
    ],
)
def test_it_plans_each_format(workshop_format, durations, modes):
    day = first_day()
    plans = plan_sessions(workshop_format, day)
    assert [plan.duration_minutes for plan in plans] == durations
    assert [plan.mode for plan in plans] == modes
    assert [plan.number for plan in plans] == list(range(1, len(plans) + 1))
    assert [timezone.localtime(plan.starts_at).date() for plan in plans] == [
        day + timedelta(weeks=week) for week in range(len(plans))
    ]
    for plan in plans:
        assert sum(item.minutes for item in plan.agenda) <= plan.duration_minutes


def test_it_uses_default_start_times_by_mode():
    plans = plan_sessions(Format.HYBRID, first_day())
    assert timezone.localtime(plans[0].starts_at).time() == time(10, 0)
    assert timezone.localtime(plans[3].starts_at).time() == time(9, 0)
    chosen = plan_sessions(Format.HYBRID, first_day(), time(13, 30))
    assert {timezone.localtime(plan.starts_at).time() for plan in chosen} == {time(13, 30)}


def test_it_applies_a_plan_with_agendas(db):
    workshop = SessionFactory().workshop
    plans = plan_sessions(Format.HYBRID, first_day())
    apply_plan(workshop, Format.HYBRID, plans, "https://zoom.us/j/1", "Town Hall")
    sessions = list(workshop.sessions.order_by("number"))
    assert [s.number for s in sessions] == [1, 2, 3, 4]
    assert [s.meeting_link for s in sessions] == ["https://zoom.us/j/1"] * 3 + [""]
    assert [s.location for s in sessions] == ["", "", "", "Town Hall"]
    assert AgendaItem.objects.filter(session__workshop=workshop).count() == sum(
        len(agenda) for _, _, agenda in AGENDAS[Format.HYBRID]
    )
    workshop.refresh_from_db()
    assert workshop.format == Format.HYBRID
    assert sessions[0].history.count() == 1


def test_it_diffs_plans_against_sessions(db):
    workshop = Workshop.objects.get(pk=SessionFactory().workshop.pk)
    workshop.sessions.all().delete()
    day = first_day()
    apply_plan(workshop, Format.VIRTUAL, plan_sessions(Format.VIRTUAL, day), "https://z.example/1")
    existing = list(workshop.sessions.order_by("number"))
    changes = diff_plans(existing, plan_sessions(Format.HYBRID, day), "https://z.example/1", "Hall")
    assert [change.kind for change in changes] == [
        PlanChange.Kind.UNCHANGED,
        PlanChange.Kind.UNCHANGED,
        PlanChange.Kind.UNCHANGED,
        PlanChange.Kind.CHANGED,
        PlanChange.Kind.REMOVED,
    ]
    assert set(changes[3].what) == {"date and time", "duration", "mode", "meeting link", "location"}
    later = diff_plans(existing[:1], plan_sessions(Format.VIRTUAL, day + timedelta(days=1)))
    assert [change.kind for change in later] == [PlanChange.Kind.CHANGED] + [
        PlanChange.Kind.ADDED
    ] * 4


def test_it_refuses_to_replace_held_sessions(db):
    held = SessionFactory(starts_at=timezone.now() - timedelta(days=1))
    with pytest.raises(HeldSessionsError):
        apply_plan(held.workshop, Format.IN_PERSON, plan_sessions(Format.IN_PERSON, first_day()))
    assert list(held.workshop.sessions.all()) == [held]
