from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insight"

    def ready(self) -> None:
        from insights import hooks as insights_hooks
        from insights import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        hooks.home_figures.register(insights_hooks.home_figures)
