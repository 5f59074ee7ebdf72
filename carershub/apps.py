from django.apps import AppConfig


class CarersHubConfig(AppConfig):
    name = "carershub"
    verbose_name = "Working Carers Hub"
