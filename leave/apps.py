from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "leave"
    verbose_name = "Leave and flexible working"

    def ready(self) -> None:
        from leave import rules  # noqa: F401  registers the permissions
