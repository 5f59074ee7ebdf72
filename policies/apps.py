from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Carers' policies"

    def ready(self) -> None:
        from policies import rules  # noqa: F401  registers the permissions
