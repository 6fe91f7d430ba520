"""First run of a production site (`manage.py bootstrap`): everything a fresh database needs
to serve the real site, and nothing from the demo — no demo accounts, members, products or
orders. Idempotent: run it again after an upgrade and it only adds what is missing; it never
changes a password or an edited page.

It reuses the seeders' non-demo parts: the page tree of cms.demo (without the demo news item
and demo contact details), the five networks' records (networks.demo.NETWORKS, created only if
absent) bound to their pages, the product categories (marketplace.demo.CATEGORIES), the
gazetteer (networks.geography), the course moderation workflow (training.moderation) and
the role groups (accounts; their permissions come from migrations)."""

from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Site

from accounts import roles
from accounts.demo import ensure_roles
from networks.geography import load_geography


@dataclass(frozen=True)
class AdminAccount:
    username: str
    email: str
    password: str | None  # None: keep the existing account's password
    phone: str = ""


def bootstrap_site(*, hostname: str, port: int, admin: AdminAccount, log=print) -> None:
    from marketplace.demo import _categories
    from training.moderation import ensure_course_moderation

    from .demo import seed_pages

    with transaction.atomic():
        ensure_roles()
        _ensure_admin(admin, log)
        from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
        pages = seed_pages(log=log, demo_content=False, contact_to=admin.email, contact_from=from_address)
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.port = hostname, port
        site.save()
        log(f"  site {hostname}:{port}")
        _ensure_networks(pages, log)
        _categories(log)
        ensure_course_moderation()
        log("  course moderation workflow")
    # The gazetteer is large; it commits on its own and skips codes already loaded.
    result = load_geography()
    log(f"  gazetteer: {result.villages} villages added")


def _ensure_admin(admin: AdminAccount, log) -> None:
    User = get_user_model()
    user = User.objects.filter(username=admin.username).first()
    if user is None:
        if not admin.password:
            raise ValueError("a password is needed to create the administrator")
        user = User(username=admin.username, email=admin.email, phone=admin.phone)
        user.set_password(admin.password)
        log(f"  administrator {admin.username} created")
    else:
        log(f"  administrator {admin.username} exists (password unchanged)")
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))


def _ensure_networks(pages, log) -> None:
    from networks.demo import NETWORKS
    from networks.models import Network

    for slug, fields in NETWORKS.items():
        network, created = Network.objects.get_or_create(slug=slug, defaults=fields)
        if created:
            log(f"  network {network.name_en}")
        for page in (pages.get(f"network:{slug}") or {}).values():
            page = page.specific
            if page.network_id is None:
                page.network = network
                page.save_revision().publish()
