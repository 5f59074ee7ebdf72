from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "leave"
    verbose_name = "Leave and flexible working"

    def ready(self) -> None:
        from leave import hooks as leave_hooks
        from leave import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        # Deputyships are read at query time, so leaving needs only to count them here.
        hooks.open_ties.register(leave_hooks.open_deputyships)
        hooks.home_cards.register(leave_hooks.home_cards)
        hooks.waiting_for.register(leave_hooks.waiting_for)
