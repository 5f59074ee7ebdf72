from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = "Carer identification and passports"

    def ready(self) -> None:
        from audit.selectors import register_private_object_type
        from organisations import hooks
        from passports import hooks as passport_hooks
        from passports import rules  # noqa: F401  registers the permissions
        from passports.services import shares_close_stale, shares_restore_after_import

        for model in ("passport", "carerdeclaration"):
            register_private_object_type(f"passports.{model}")

        # A change of line manager or a leaver ends sharing; a corrected import brings it back.
        hooks.end_stale_ties.register(shares_close_stale)
        hooks.restore_ties.register(shares_restore_after_import)
        hooks.open_ties.register(passport_hooks.open_shares)
        hooks.home_cards.register(passport_hooks.home_cards)
        hooks.waiting_for.register(passport_hooks.waiting_for)
        hooks.staff_record_facts.register(passport_hooks.carer_fact)
