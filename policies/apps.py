from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Carers' policies"

    def ready(self) -> None:
        from organisations import hooks
        from policies import hooks as policies_hooks
        from policies import rules  # noqa: F401  registers the permissions

        hooks.home_cards.register(policies_hooks.home_cards)
