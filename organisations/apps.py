from django.apps import AppConfig


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
