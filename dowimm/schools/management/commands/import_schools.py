from django.core.management.base import BaseCommand, CommandError

from dowimm.schools.services import SchoolImportError, school_import_gias


class Command(BaseCommand):
    help = "Add or update schools from a GIAS establishment extract (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the GIAS CSV file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as gias_file:
                report = school_import_gias(file=gias_file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except SchoolImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from error

        for row in report.skipped:
            self.stderr.write(f"Line {row.line} skipped: {row.reason}")
        skipped = len(report.skipped)
        self.stdout.write(
            f"{report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, "
            f"{skipped} {'row' if skipped == 1 else 'rows'} skipped"
        )
