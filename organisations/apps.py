from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from accounts.selectors import register_mfa_role_check
        from organisations.selectors import holds_mfa_role

        register_mfa_role_check(holds_mfa_role)
