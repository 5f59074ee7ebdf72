from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Employers' forum"

    def ready(self) -> None:
        from forum import hooks as forum_hooks
        from forum import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        hooks.home_cards.register(forum_hooks.home_cards)
