from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"

    def ready(self) -> None:
        from actionplans import checks  # noqa: F401  (registers the stage checks)
