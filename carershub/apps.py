from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site layer: settings, URL and API mounting, the root pages and the layout templates,
    demo and scale data. It may import every app; no app imports it (docs/architecture.md)."""

    name = "carershub"
    label = "site"
    verbose_name = "Working Carers Hub site"
