"""What the workshop needs from gaps and priorities before it moves on to the next stage."""

from workshops.models import Workshop
from workshops.stages import register_check

Stage = Workshop.Stage


@register_check(Stage.PLAN)
def has_priorities(workshop: Workshop) -> str | None:
    if not workshop.priorities.exists():
        return "Promote at least one gap to a priority area."
    return None
