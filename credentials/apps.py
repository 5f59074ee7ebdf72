from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Verifiable credentials"

    def ready(self) -> None:
        from audit.selectors import register_private_object_type

        # A refused attempt to bring in a passport says who is, or claims to be, a carer.
        register_private_object_type("credentials.holderrefusal")
