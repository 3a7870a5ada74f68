from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "dowimm.schools"
    label = "schools"
