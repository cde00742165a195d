"""What the workshop needs from gaps, priorities and the plan's review before it moves on to the
next stage."""

from actionplans.models import ActionPlan
from workshops.models import Workshop
from workshops.stages import register_check

Stage = Workshop.Stage


@register_check(Stage.PLAN)
def has_priorities(workshop: Workshop) -> str | None:
    if not workshop.priorities.exists():
        return "Promote at least one gap to a priority area."
    return None


@register_check(Stage.REVIEW)
def plan_submitted(workshop: Workshop) -> str | None:
    """The state team reviews a plan the county sent them (its latest version)."""
    latest = workshop.plans.order_by("-number").first()
    if latest is None or latest.status == ActionPlan.Status.DRAFT:
        return "Send the action plan to the state team (the plan's Review page)."
    return None


@register_check(Stage.IMPLEMENT)
def plan_approved(workshop: Workshop) -> str | None:
    """The county carries out a plan the state team approved."""
    if not workshop.plans.filter(status=ActionPlan.Status.APPROVED).exists():
        return "The state team approves the action plan (on its Review page)."
    return None
