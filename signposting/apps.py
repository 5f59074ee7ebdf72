from django.apps import AppConfig


class SignpostingConfig(AppConfig):
    name = "signposting"
    verbose_name = "Support directory"

    def ready(self) -> None:
        from organisations import hooks
        from signposting import hooks as signposting_hooks
        from signposting import rules  # noqa: F401  registers the permissions

        hooks.home_cards.register(signposting_hooks.home_cards)
