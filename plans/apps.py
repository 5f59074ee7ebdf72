from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        from audit.selectors import register_private_object_type
        from organisations import hooks
        from plans import hooks as plans_hooks
        from plans import rules  # noqa: F401  registers the permissions

        hooks.home_cards.register(plans_hooks.home_cards)

        # A personal plan is its owner's: even "Created personal plan 4" is theirs to read.
        for model in ("personalplan", "personalplanshare"):
            register_private_object_type(f"plans.{model}")
