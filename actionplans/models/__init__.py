"""Gaps, votes, priorities, the action plan and its PDF, review, progress and personal plans."""

from actionplans.models.documents import PlanDocument
from actionplans.models.gaps import Dot, Evidence, Gap, Principle, Voting
from actionplans.models.personal import CollaborationStrategy, PersonalPlan, Relationship
from actionplans.models.plan import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Goal,
    Measure,
    Objective,
    PrincipleStance,
    PriorityArea,
    Strategy,
)
from actionplans.models.progress import MeasureReading, StepUpdate
from actionplans.models.review import ReviewComment, Submission

__all__ = [
    "ActionPlan",
    "ActionStep",
    "Benchmark",
    "CollaborationStrategy",
    "Dot",
    "Evidence",
    "Gap",
    "Goal",
    "Measure",
    "MeasureReading",
    "Objective",
    "PersonalPlan",
    "PlanDocument",
    "Principle",
    "PrincipleStance",
    "PriorityArea",
    "Relationship",
    "ReviewComment",
    "StepUpdate",
    "Strategy",
    "Submission",
    "Voting",
]
