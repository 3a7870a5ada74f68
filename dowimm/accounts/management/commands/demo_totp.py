from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Show the code a demo account's authenticator would show now."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo codes are only for the local demo: set DJANGO_DEBUG=true."
            )
        device = TOTPDevice.objects.filter(
            user__username=username, user__is_demo_account=True, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username} is not a demo account with the demo authenticator: "
                "run `python manage.py load_demo` first."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        seconds = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():06d}  (changes in {seconds} seconds)")
