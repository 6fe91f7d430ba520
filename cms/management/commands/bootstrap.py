import getpass
import os
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from cms.bootstrap import AdminAccount, bootstrap_site

PASSWORD_ENV = "SAHAKUM_ADMIN_PASSWORD"  # nosec B105  # the name of a variable, not a password
HOSTNAME = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class Command(BaseCommand):
    help = (
        "First run of a production site: the administrator, the page tree in Khmer and English, the Site's "
        "public hostname, role groups, networks, categories, the gazetteer and the course moderation workflow. "
        "No demo accounts or demo data. Idempotent. The password comes from $SAHAKUM_ADMIN_PASSWORD or a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hostname", help="Public hostname, e.g. sahakum.org (default: WAGTAILADMIN_BASE_URL's).")
        parser.add_argument("--port", type=int, default=None, help="Public port (default: 443 for https, 80 for http).")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-phone", default="")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options):
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        hostname = (options["hostname"] or base.hostname or "").strip().lower()
        if not HOSTNAME.match(hostname):
            raise CommandError(f"--hostname must be a bare host name like sahakum.org, not {hostname!r}.")
        same_host = base.hostname == hostname
        port = options["port"] or (same_host and base.port) or (80 if same_host and base.scheme == "http" else 443)
        if base.hostname and base.hostname != hostname:
            self.stderr.write(
                f"Warning: WAGTAILADMIN_BASE_URL ({settings.WAGTAILADMIN_BASE_URL}) names another host; "
                "links in emails use it."
            )
        email = options["admin_email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"--admin-email {email!r} is not an email address.")
        username = options["admin_username"].strip()
        exists = get_user_model().objects.filter(username=username).exists()
        password = None if exists else self._password(username, email, options["interactive"])
        bootstrap_site(
            hostname=hostname,
            port=port,
            admin=AdminAccount(username=username, email=email, password=password, phone=options["admin_phone"]),
            log=self.stdout.write,
        )
        self.stdout.write(self.style.SUCCESS(f"Site ready at {hostname}:{port}; sign in at /admin/ as {username}."))

    def _password(self, username, email, interactive) -> str:
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            if not interactive:
                raise CommandError(f"Set {PASSWORD_ENV} for the new administrator, or run without --noinput.")
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = get_user_model()(username=username, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages))
        return password
