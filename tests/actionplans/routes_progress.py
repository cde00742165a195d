"""The progress pages' rows of the access matrix (tests/test_access_policy.py).

Posting progress and readings also needs the object-level right (``progress.can_report``,
``can_record``): the rows make the cast's participant the lead of the step, so that every role
with the URL's right gets in. POSTs without data answer with the form and its errors.
"""

from actionplans.models import ActionStep
from tests.conftest import Cast
from tests.factories import plan_tree
from tests.routes import Route
from workshops.access import Perm


def led_step(cast: Cast) -> dict:
    """The plan's step, led by the cast's participant."""
    step = plan_tree(cast.workshop).step
    ActionStep.objects.filter(pk=step.pk).update(lead_member=cast.participant)
    return {"step_id": step.pk}


def led_measure(cast: Cast) -> dict:
    """The plan's measure, under an objective whose step the participant leads."""
    led_step(cast)
    return {"measure_id": plan_tree(cast.workshop).measure.pk}


ROUTES: list[Route] = [
    Route("actionplans:progress", Perm.VIEW),
    Route("actionplans:step_progress", Perm.PARTICIPATE, kwargs=led_step),
    Route("actionplans:step_progress", Perm.PARTICIPATE, method="post", kwargs=led_step),
    Route("actionplans:measure", Perm.VIEW, kwargs=led_measure),
    Route("actionplans:reading_add", Perm.PARTICIPATE, method="post", kwargs=led_measure),
]
