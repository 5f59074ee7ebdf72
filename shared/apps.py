from django.apps import AppConfig


class SharedConfig(AppConfig):
    """The shared layer: plumbing every app uses, importing no app (docs/architecture.md).

    Its label stays ``carershub``, the name these tables and migrations were made under, so
    existing databases keep their migration history and admin addresses.
    """

    name = "shared"
    label = "carershub"
    verbose_name = "Working Carers Hub"

    def ready(self) -> None:
        from django.core import checks

        from shared.schema import index_wrapper_check, register_index_wrapper

        register_index_wrapper()
        checks.register(index_wrapper_check, checks.Tags.models)

        from shared.queue import log_task_lines_with_request_id

        log_task_lines_with_request_id()
