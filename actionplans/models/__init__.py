"""Gaps, votes, priorities and the action plan (issue 6; review and progress come with issue 8)."""

from actionplans.models.documents import PlanDocument
from actionplans.models.gaps import Dot, Evidence, Gap, Principle, Voting
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

__all__ = [
    "ActionPlan",
    "ActionStep",
    "Benchmark",
    "Dot",
    "Evidence",
    "Gap",
    "Goal",
    "Measure",
    "Objective",
    "PlanDocument",
    "Principle",
    "PrincipleStance",
    "PriorityArea",
    "Strategy",
    "Voting",
]
