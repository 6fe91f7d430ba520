"""First run of a production site: `manage.py bootstrap`; `seed_demo` refuses production."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site, WorkflowPage

from accounts import roles
from accounts.demo import DEMO_ACCOUNTS

PASSWORD = "a-Long-unguessable-passphrase-42"


def _bootstrap(monkeypatch, *extra, password=PASSWORD):
    if password is None:
        monkeypatch.delenv("SAHAKUM_ADMIN_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("SAHAKUM_ADMIN_PASSWORD", password)
    out = StringIO()
    call_command(
        "bootstrap",
        "--hostname",
        "sahakum.example.org",
        "--admin-username",
        "nary",
        "--admin-email",
        "nary@example.org",
        "--noinput",
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


@pytest.fixture
def small_gazetteer(monkeypatch):
    # The full gazetteer is 14,000 villages; tests/networks covers its loader. Two provinces here.
    import cms.bootstrap

    real = cms.bootstrap.load_geography
    monkeypatch.setattr(cms.bootstrap, "load_geography", lambda provinces=None: real(provinces=["17"]))


@pytest.fixture
def fresh_database(db):
    """What `migrate` leaves: the root page, Wagtail's "Welcome" placeholder and its Site (the
    test session has already built the demo tree, see tests/conftest.py)."""
    Page.objects.filter(depth__gt=1).delete()
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title="Welcome to your new Wagtail site!", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)


@pytest.mark.django_db
def test_bootstrap_builds_a_working_site_without_demo_accounts(client, monkeypatch, small_gazetteer, fresh_database):
    from marketplace.models import Category
    from networks.models import Network, Village
    from training.models import CourseIndexPage

    _bootstrap(monkeypatch)
    User = get_user_model()
    admin = User.objects.get(username="nary")
    assert admin.is_superuser and admin.is_staff and admin.check_password(PASSWORD)
    assert admin.groups.filter(name=roles.ADMINISTRATOR).exists()
    assert not User.objects.filter(username__in=[row[0] for row in DEMO_ACCOUNTS]).exists()
    assert User.objects.count() == 1

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("sahakum.example.org", 443)
    response = client.get("/km/", HTTP_HOST="sahakum.example.org")
    assert response.status_code == 200
    assert "Welcome to your new Wagtail site" not in response.content.decode()
    for path in ("/km/market/", "/km/skills-center/", "/km/networks/", "/en/safe-house/", "/km/contact/"):
        assert client.get(path, HTTP_HOST="sahakum.example.org").status_code == 200, path
    assert not Page.objects.filter(slug="rice-harvest-market-day").exists()

    assert Network.objects.count() == 5
    assert Category.objects.filter(slug="krama").exists()
    assert Village.objects.filter(code="17060208").exists()
    course_index = CourseIndexPage.objects.get(locale__language_code="km")
    assert WorkflowPage.objects.filter(page=course_index).exists()


@pytest.mark.django_db
def test_bootstrap_is_idempotent_and_keeps_the_password(monkeypatch, small_gazetteer, fresh_database):
    from networks.models import Network

    _bootstrap(monkeypatch)
    counts = (Page.objects.count(), Network.objects.count(), get_user_model().objects.count())
    output = _bootstrap(monkeypatch, password="another-Long-passphrase-99")
    assert "password unchanged" in output
    assert (Page.objects.count(), Network.objects.count(), get_user_model().objects.count()) == counts
    assert get_user_model().objects.get(username="nary").check_password(PASSWORD)


@pytest.mark.django_db
def test_bootstrap_without_a_password_writes_nothing(monkeypatch):
    with pytest.raises(CommandError, match="SAHAKUM_ADMIN_PASSWORD"):
        _bootstrap(monkeypatch, password=None)
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_bootstrap_refuses_a_weak_password_and_a_url_as_hostname(monkeypatch):
    with pytest.raises(CommandError, match="Password refused"):
        _bootstrap(monkeypatch, password="12345678")
    with pytest.raises(CommandError, match="bare host name"):
        call_command(
            "bootstrap",
            "--hostname",
            "https://sahakum.example.org/",
            "--admin-username",
            "x",
            "--admin-email",
            "x@example.org",
            "--noinput",
        )
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("args", [[], ["--force"]])
def test_seed_demo_refuses_production_settings_even_with_force(settings, args):
    settings.IS_PRODUCTION = True
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo-server"):
        call_command("seed_demo", *args, stdout=StringIO())
    assert not get_user_model().objects.exists()
