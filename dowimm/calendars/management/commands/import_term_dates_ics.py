from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dowimm.calendars.models import CalendarEntry
from dowimm.calendars.services import CalendarImportError, calendar_import_ics
from dowimm.schools.models import School


class Command(BaseCommand):
    help = (
        "Import the all-day events of an iCalendar file into a school's own "
        "calendar or the county's. DTEND is the day after an event's last day."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--school", type=int, metavar="URN")
        target.add_argument("--county", action="store_true")
        parser.add_argument(
            "--kind",
            choices=CalendarEntry.Kind.values,
            help="the kind of every event; by default told from each SUMMARY",
        )

    def handle(self, *args, file, school, county, kind, **options):
        school = None if county else _school(school)
        try:
            with file.open("rb") as f:
                result = calendar_import_ics(file=f, school=school, kind=kind)
        except OSError as e:
            raise CommandError(f"Cannot read {file}: {e.strerror}") from None
        except CalendarImportError as e:
            raise CommandError(f"{file}: {e}. Nothing was imported.") from None
        self.stdout.write(f"{file}: {result}")


def _school(urn):
    try:
        return School.objects.get(urn=urn)
    except School.DoesNotExist:
        raise CommandError(f"No school has URN {urn}.") from None
