"""Demo merchant details so KHQR and bank transfer appear at checkout (idempotent)."""

from wagtail.models import Site

from .models import PaymentSettings

DEMO_SETTINGS = {
    "merchant_name": "Sahakum",
    "merchant_city": "Siem Reap",
    "bakong_account_id": "sahakum_demo@aclb",
    "acquiring_bank": "ACLEDA Bank",
    "bank_name": "ACLEDA Bank",
    "bank_account_name": "Sahakum (demo)",
    "bank_account_number": "0000-00-000000-0-0",
    # One text for both languages (the setting has no per-language field): Khmer first.
    "bank_transfer_instructions": "គណនីសាកល្បង៖ គ្មានប្រាក់ផ្ទេរពិតប្រាកដទេ។ សូមសរសេរលេខយោងនៃការបញ្ជាទិញលើការផ្ទេរប្រាក់។",
}


def seed(*, users, pages, log) -> None:
    for site in Site.objects.all():
        settings = PaymentSettings.for_site(site)
        changed = [name for name, value in DEMO_SETTINGS.items() if not getattr(settings, name)]
        for name in changed:
            setattr(settings, name, DEMO_SETTINGS[name])
        if changed:
            settings.save()
    log("  payment settings: KHQR and bank transfer configured")
