import logging

from dowimm.audit.models import AccessEvent

logger = logging.getLogger(__name__)


def report_export_record(*, request, what):
    """
    Note in the audit trail that someone downloaded `what` as a CSV file.
    A list of cases is also audited case by case, as every page that loads
    cases is; a figure names no child, so this row is its only trace.
    """
    user = request.user
    event = AccessEvent(
        user_id=user.pk,
        role=user.role,
        school_id=user.school_id,
        view=f"export:{what}"[:100],
    )
    # The audit middleware gives each request an id; keep it when there is one.
    event.request_id = getattr(request, "request_id", event.request_id)
    event.save()
    logger.info("Export of %s by user %s", what, user.pk)
