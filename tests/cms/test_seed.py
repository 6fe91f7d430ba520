import pytest
from django.apps import apps
from django.core.management import CommandError, call_command


def _counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models() if not model._meta.proxy}


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    second = _counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    # Log entries and task results record activity, not content.
    changed.pop("wagtailcore.ModelLogEntry", None)
    changed.pop("wagtailcore.PageLogEntry", None)
    assert changed == {}
    assert first["cms.HomePage"] == 2
    # The demo producer completed a course: her published products carry the trained badge.
    from marketplace.models import Product

    trained = Product.objects.published().for_cards().filter(producer__user__username="producer")
    assert trained.exists() and all(product.trained_course for product in trained)
    assert Product.objects.published().by_trained_producers().exists()


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_creates_one_account_per_role(settings):
    from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from accounts.models import User

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    for username, role, _name, _phone in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.groups.filter(name=role).exists()
        assert user.check_password(DEMO_PASSWORD)
