from django.apps import AppConfig
from django.db.models.signals import post_migrate

STATE_TEAM_GROUP = "State team"
# What the state team edits in the admin: the instrument, the data-table rows, the framework.
STATE_TEAM_MODELS = [
    ("assessments", "instrument"),
    ("assessments", "section"),
    ("assessments", "question"),
    ("assessments", "metric"),
    ("workshops", "frameworksection"),
]


def ensure_state_team_group(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=STATE_TEAM_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in STATE_TEAM_MODELS},
        content_type__model__in={model for _, model in STATE_TEAM_MODELS},
    )
    group.permissions.add(*perms)


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        post_migrate.connect(ensure_state_team_group, sender=self)
