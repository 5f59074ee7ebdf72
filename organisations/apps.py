from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from accounts.selectors import register_mfa_role_check
        from organisations import hooks
        from organisations.selectors import holds_mfa_role
        from organisations.waiting import imports_waiting

        register_mfa_role_check(holds_mfa_role)
        hooks.waiting_for.register(imports_waiting)
