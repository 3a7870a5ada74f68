from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dowimm.documents"
    label = "documents"
    verbose_name = "documents and signatures"

    def ready(self):
        from dowimm.documents import signals  # noqa: F401
