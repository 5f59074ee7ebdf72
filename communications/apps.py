from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = "Communications"

    def ready(self) -> None:
        from communications import hooks as communications_hooks
        from communications import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        hooks.home_cards.register(communications_hooks.home_cards)
