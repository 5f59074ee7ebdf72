from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks and self-assessment"

    def ready(self) -> None:
        from benchmarks import rules  # noqa: F401  registers the permissions
        from benchmarks.frameworks import frameworks

        # Load and check every framework file now: a bad file stops start-up with a message
        # naming it, rather than failing on the first page that needs it.
        frameworks()
