from django.core.management.base import BaseCommand

from dowimm.notifications.services import reminders_daily_job


class Command(BaseCommand):
    help = (
        "Run the daily reminder job now, as celery beat does at 08:00 on "
        "school days: save what is due and send each person one email."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--any-day",
            action="store_true",
            help="run even when today is not a school day on the county calendar",
        )

    def handle(self, *args, any_day, **options):
        self.stdout.write(str(reminders_daily_job(any_day=any_day)))
