from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dowimm.calendars.services import CalendarImportError, calendar_import_csv
from dowimm.schools.models import School


class Command(BaseCommand):
    help = (
        "Import term dates from a CSV file laid out like data/norfolk-term-dates.csv. "
        "Rows scoped 'county' go to the county calendar; rows scoped to a school's "
        "own calendar are imported only with --school."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--school",
            type=int,
            metavar="URN",
            help="the school whose own calendar the file's school rows belong to",
        )
        parser.add_argument(
            "--scope",
            help="which scope to import for --school, when the file holds several",
        )

    def handle(self, *args, file, school, scope, **options):
        school = _school(school) if school is not None else None
        try:
            with file.open(encoding="utf-8-sig", newline="") as f:
                result = calendar_import_csv(file=f, school=school, scope=scope)
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
