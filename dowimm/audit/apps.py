from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dowimm.audit"
    label = "audit"
    verbose_name = "Audit and data protection"

    def ready(self):
        from django.db.models.signals import post_init

        from dowimm.audit import middleware

        # Every case or pupil row loaded while answering a request is a
        # read of a child's record, whichever view or list loaded it.
        post_init.connect(middleware.case_loaded, sender="cases.Case")
        post_init.connect(middleware.pupil_loaded, sender="cases.Pupil")
