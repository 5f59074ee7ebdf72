from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Leadership commitment"

    def ready(self) -> None:
        from commitments import rules  # noqa: F401  registers the permissions
