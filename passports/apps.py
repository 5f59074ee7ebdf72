from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = "Carer identification and passports"

    def ready(self) -> None:
        from audit.selectors import register_private_object_type
        from passports import rules  # noqa: F401  registers the permissions

        for model in ("passport", "carerdeclaration"):
            register_private_object_type(f"passports.{model}")
