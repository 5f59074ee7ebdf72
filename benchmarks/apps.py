from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks and self-assessment"

    def ready(self) -> None:
        from benchmarks import hooks as benchmarks_hooks
        from benchmarks import rules  # noqa: F401  registers the permissions
        from benchmarks.frameworks import frameworks
        from benchmarks.gaps import criteria_for_plans
        from benchmarks.selectors import is_assessment_of
        from organisations import hooks
        from plans.public import CriteriaSource, offer_criteria
        from shared import backups

        hooks.home_cards.register(benchmarks_hooks.home_cards)
        # Evidence keeps its stored file's name in a plain field: backups check those files.
        backups.stored_name_fields.register(benchmarks_hooks.stored_name_fields)

        # Load and check every framework file now: a bad file stops start-up with a message
        # naming it, rather than failing on the first page that needs it.
        frameworks()
        # Plans never reads benchmarks: it is told which criteria and assessments exist.
        offer_criteria(
            CriteriaSource(criteria=criteria_for_plans, is_assessment_of=is_assessment_of)
        )
