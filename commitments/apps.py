from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Leadership commitment"

    def ready(self) -> None:
        from commitments import hooks as commitments_hooks
        from commitments import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        hooks.home_cards.register(commitments_hooks.home_cards)
        hooks.waiting_for.register(commitments_hooks.waiting_for)
