from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


def _access_triggers_out_of_the_way(using: str = "default", **kwargs: Any) -> None:
    """SQLite: a trigger naming a table stops the rebuild SQLite needs to alter another
    (organisations/access_version.py), so they are dropped before migrating..."""
    from organisations.access_version import remove

    if connections[using].vendor == "sqlite":
        remove(connections[using])


def _access_triggers_back(using: str = "default", **kwargs: Any) -> None:
    """...and made again afterwards, from the tables as they now are."""
    from organisations.access_version import install

    if connections[using].vendor == "sqlite":
        install(connections[using])


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from accounts.selectors import register_mfa_role_check
        from organisations import hooks
        from organisations.invitations import invitations_mark_bounced
        from organisations.languages import languages_for_addresses
        from organisations.selectors import holds_mfa_role
        from organisations.waiting import imports_waiting
        from shared.emails import register_recipient_languages
        from shared.outbox import register_undelivered_listener

        register_mfa_role_check(holds_mfa_role)
        register_recipient_languages(languages_for_addresses)
        register_undelivered_listener(invitations_mark_bounced)
        hooks.waiting_for.register(imports_waiting)
        pre_migrate.connect(_access_triggers_out_of_the_way, sender=self)
        post_migrate.connect(_access_triggers_back, sender=self)
