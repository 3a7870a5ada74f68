"""Retention and subject access: everything held about a pupil, found once."""

import csv
import datetime
import io
import json
import logging
import tempfile
import zipfile
from collections import defaultdict

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from cases.models import Case, Pupil
from dowimm.audit.models import AccessEvent
from dowimm.files import private_storage

logger = logging.getLogger(__name__)


def retention_date(pupil):
    """The day a pupil's records are deleted: their birthday at the set age."""
    born = pupil.date_of_birth
    return _birthday(born, born.year + settings.DOWIMM_RETENTION_AGE_YEARS)


def _birthday(born, year):
    try:
        return born.replace(year=year)
    except ValueError:
        # Born on 29 February: in England the birthday is 1 March.
        return datetime.date(year, 3, 1)


class PupilRecords:
    """Every row held about one pupil, across cases, with its history and files."""

    def __init__(self, pupil):
        self.pupil = pupil
        self.cases = list(Case.objects.filter(pupil=pupil))
        collector = NestedObjects(using="default")
        # Cases first: they protect the pupil from being deleted alone.
        collector.collect(self.cases)
        collector.collect([pupil])
        self.rows = {
            model: sorted(instances, key=lambda row: row.pk)
            for model, instances in collector.data.items()
        }
        # Kept apart from the rows: deleting a row clears its pk.
        self.ids = {
            model: {row.pk for row in rows} for model, rows in self.rows.items()
        }

    def history_querysets(self):
        ids = self.ids
        for model in self.rows:
            history = getattr(model, "history", None)
            if history is None:
                continue
            # Rows deleted earlier only survive in history: find them by the
            # case or pupil they belonged to as well as by their own id.
            match = models.Q(id__in=ids[model])
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in ids:
                    match |= models.Q(
                        **{f"{field.attname}__in": ids[field.related_model]}
                    )
            yield history.model.objects.filter(match)

    def file_names(self):
        """Every stored file, including earlier versions named in history."""
        names = set()
        for model, rows in self.rows.items():
            for field in _file_fields(model):
                names.update(getattr(row, field.attname).name for row in rows)
        for history in self.history_querysets():
            original = history.model.instance_type
            for field in _file_fields(original):
                names.update(history.values_list(field.attname, flat=True))
        return sorted(name for name in names if name)

    def access_events(self):
        return AccessEvent.objects.filter(pupil=self.pupil).order_by("at", "pk")


def _file_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def subject_access_archive(*, pupil):
    """
    One zip of everything held about `pupil`: their records as JSON, every
    history row, every document, and every access event. Returns an open
    temporary file, positioned at the start.
    """
    records = PupilRecords(pupil)
    archive_file = tempfile.TemporaryFile()  # noqa: SIM115 - returned open
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _archive_readme(records))
        rows = [row for model_rows in records.rows.values() for row in model_rows]
        archive.writestr("records.json", serializers.serialize("json", rows, indent=2))
        history = [row for qs in records.history_querysets() for row in qs]
        archive.writestr(
            "history.json",
            json.dumps(
                [_history_row(row) for row in history],
                cls=DjangoJSONEncoder,
                indent=2,
            ),
        )
        archive.writestr("access-events.csv", _access_events_csv(records))
        for name in records.file_names():
            if private_storage.exists(name):
                with private_storage.open(name, "rb") as document:
                    archive.writestr(f"documents/{name}", document.read())
    archive_file.seek(0)
    logger.info(
        "Subject access archive built for pupil %s: %s rows, %s history rows",
        pupil.pk,
        len(rows),
        len(history),
    )
    return archive_file


def _archive_readme(records):
    return (
        "Everything dowimm holds about one pupil, built "
        f"{timezone.localtime():%d %B %Y at %H:%M}.\n\n"
        "records.json        the pupil, their parents or carers, each case and "
        "everything recorded on it\n"
        "history.json        every earlier version of those records, with who "
        "changed them and why\n"
        "access-events.csv   every time someone was shown these records: a "
        "member of staff, or a parent, carer or pupil by a signing link\n"
        "documents/          every uploaded document, earlier versions included\n"
        f"\nCases: {', '.join(str(case) for case in records.cases) or 'none'}\n"
    )


def _history_row(row):
    fields = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
    }
    return {"model": row._meta.label_lower, "fields": fields}


def _access_events_csv(records):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["when", "user id", "role", "school id", "signing link id", "case id", "page"]
    )
    for event in records.access_events():
        writer.writerow(
            [
                timezone.localtime(event.at).isoformat(),
                event.user_id or "",
                event.role,
                event.school_id or "",
                event.signing_link_id or "",
                event.case_id or "",
                event.view,
            ]
        )
    return out.getvalue()


def retention_apply(*, today):
    """
    Delete every pupil past their retention date, with their cases, the
    history of all of it, and their documents. Logs counts only.
    """
    cutoff = _birthday(today, today.year - settings.DOWIMM_RETENTION_AGE_YEARS)
    pupils = Pupil.objects.filter(date_of_birth__lte=cutoff).order_by("pk")
    counts = defaultdict(int)
    for pupil in pupils:
        with transaction.atomic():
            _pupil_delete(pupil, counts)
    logger.info(
        "Retention: deleted %s pupils, %s cases, %s rows, %s history rows, %s files",
        counts["pupils"],
        counts["cases"],
        counts["rows"],
        counts["history"],
        counts["files"],
    )
    return dict(counts)


def _pupil_delete(pupil, counts):
    records = PupilRecords(pupil)
    file_names = records.file_names()
    counts["pupils"] += 1
    counts["cases"] += len(records.cases)
    counts["rows"] += sum(len(rows) for rows in records.rows.values())

    Case.objects.filter(pupil=pupil).delete()
    pupil.delete()
    # After the rows: deleting them writes one last history row each.
    for history in records.history_querysets():
        counts["history"] += history.delete()[0]

    counts["files"] += len(file_names)
    transaction.on_commit(lambda: [private_storage.delete(name) for name in file_names])


def sign_in_records_purge(*, now):
    """
    Delete expired sessions, and records of signing in (attempts, failures,
    sign-ins) older than DOWIMM_SIGN_IN_RECORDS_DAYS: they hold usernames
    and IP addresses. Logs counts only.
    """
    cutoff = now - datetime.timedelta(days=settings.DOWIMM_SIGN_IN_RECORDS_DAYS)
    counts = {
        # What `clearsessions` does, counted.
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        **{
            key: model.objects.filter(attempt_time__lt=cutoff).delete()[0]
            for key, model in (
                ("attempts", AccessAttempt),
                ("failures", AccessFailureLog),
                ("sign_ins", AccessLog),
            )
        },
    }
    logger.info(
        "Sign-in records: deleted %s expired sessions, %s attempts, "
        "%s failures, %s sign-ins",
        counts["sessions"],
        counts["attempts"],
        counts["failures"],
        counts["sign_ins"],
    )
    return counts
