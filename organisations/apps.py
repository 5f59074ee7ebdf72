from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from accounts.selectors import register_mfa_role_check
        from organisations import hooks
        from organisations.languages import languages_for_addresses
        from organisations.selectors import holds_mfa_role
        from organisations.waiting import imports_waiting
        from shared.emails import register_recipient_languages

        register_mfa_role_check(holds_mfa_role)
        register_recipient_languages(languages_for_addresses)
        hooks.waiting_for.register(imports_waiting)
