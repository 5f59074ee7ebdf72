from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = "Staff carer networks"

    def ready(self) -> None:
        from networks import hooks as networks_hooks
        from networks import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        hooks.home_cards.register(networks_hooks.home_cards)
        hooks.waiting_for.register(networks_hooks.waiting_for)
