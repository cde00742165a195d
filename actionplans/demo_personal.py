"""The demo county's personal action plan: Maria Lopez (children's mental health) works on two
relationships the map shows are broken or weak, and shares her plan with Aisha Khan."""

from datetime import timedelta

from django.utils import timezone

from actionplans import personal
from actionplans.models import CollaborationStrategy, Relationship
from assessments.models import Proposal
from workshops.models import Membership, Workshop

Strategy = CollaborationStrategy

# agency, the map node it starts from, now, improve, strategies, actions, success
RELATIONSHIPS = [
    ("County Probation", "Probation diversion program", Relationship.Now.CHALLENGING,
     "Youth on probation diversion wait as long as anyone else for our children's clinic: the "
     "agreement for quick appointments lapsed when staff changed.",
     [Strategy.WORK_TOGETHER, Strategy.GOALS, Strategy.ROADBLOCKS],
     "Meet the juvenile probation supervisor this month. Renew the written agreement for "
     "appointments within two weeks, with a contact person on each side. Meet every quarter.",
     "Youth referred from diversion get a first appointment within 14 days, and both directors "
     "have signed the agreement."),
    ("Ithaca City School District", "School counselors and social workers",
     Relationship.Now.CHALLENGING,
     "School counselors refer students to our clinic and never hear back; referrals take six "
     "weeks.",
     [Strategy.RESOURCES, Strategy.SHARE, Strategy.ASSESS],
     "Agree with student services on a release form so the clinic can tell the counselor a "
     "student was seen. Present the clinic's services and waitlist at the counselors' monthly "
     "meeting. Send a referral update every month.",
     "Every referring counselor hears within a week that the student was contacted, and "
     "counselors say at the spring meeting that they know how to refer."),
]  # fmt: skip
REVIEW_IN_DAYS = 90


def member(workshop: Workshop, first: str, last: str) -> Membership | None:
    return workshop.memberships.filter(user__first_name=first, user__last_name=last).first()


def personal_demo(workshop: Workshop) -> None:
    """Maria Lopez's plan with two relationships, shared with Aisha Khan (once)."""
    maria, aisha = member(workshop, "Maria", "Lopez"), member(workshop, "Aisha", "Khan")
    if maria is None:
        return
    plan = personal.plan_for(maria)
    if not plan.relationships.exists():
        nodes = {node.label: node for node in workshop.map_nodes.filter(proposal=Proposal.ACCEPTED)}
        for agency, label, now, improve, strategies, actions, success in RELATIONSHIPS:
            relationship = Relationship(
                agency=agency,
                node=nodes.get(label),
                now=now,
                improve=improve,
                strategies=[str(value) for value in strategies],
                actions=actions,
                success=success,
            )
            personal.save_relationship(plan, relationship)
        personal.set_review_date(plan, timezone.localdate() + timedelta(days=REVIEW_IN_DAYS))
    if aisha is not None and not plan.shared_with.filter(pk=aisha.pk).exists():
        personal.share(plan, [aisha])
