from django.core.management.base import BaseCommand, CommandError

from transport.services import PostcodeImportError, postcode_directory_import


class Command(BaseCommand):
    help = (
        "Load postcodes and grid references from an ONS Postcode Directory CSV "
        "(pcds or pcd, oseast1m, osnrth1m) or a CSV of postcode,easting,northing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the CSV file")
        parser.add_argument(
            "--prefix",
            action="append",
            default=[],
            help="keep only postcodes starting with this, e.g. NR; may repeat",
        )

    def handle(self, *args, file, prefix, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                report = postcode_directory_import(lines=lines, prefixes=prefix)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error.reason}") from error
        except PostcodeImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from error

        skipped = len(report.skipped)
        if skipped:
            lines = ", ".join(map(str, report.skipped[:10]))
            more = " and more" if skipped > 10 else ""
            self.stderr.write(f"Skipped, with no grid reference: lines {lines}{more}")
        self.stdout.write(
            f"{report.loaded} postcodes loaded, "
            f"{skipped} {'row' if skipped == 1 else 'rows'} skipped"
        )
