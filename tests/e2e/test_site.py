import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_pages(transactional_db):
    from cms.demo import seed_pages
    from cms.models import SiteSettings

    pages = seed_pages(log=lambda *args: None)
    site_settings = SiteSettings.objects.get()
    return pages, site_settings


def test_khmer_home_page_uses_the_self_hosted_font(live_server, page, demo_pages, axe_check):
    external = []
    page.on(
        "request", lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None
    )
    page.goto(f"{live_server.url}/km/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "km"
    loaded = page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Noto Sans Khmer' && f.status === 'loaded')
                .map(f => f.unicodeRange);
        }"""
    )
    assert any("U+1780-17FF" in unicode_range.upper() for unicode_range in loaded), loaded
    # The heading is drawn with Noto Sans Khmer, not a fallback.
    assert page.evaluate("document.fonts.check('700 24px \"Noto Sans Khmer\"', 'សហគមន៍')")
    font_requests = page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('.woff2')).map(e => e.name)"
    )
    assert any("noto-sans-khmer-khmer" in name for name in font_requests)
    assert external == []
    axe_check(page)


def test_language_switch_keeps_the_page(live_server, page, demo_pages):
    page.goto(f"{live_server.url}/km/networks/happy-women-network/")
    page.locator(".language-switcher a[lang=en]").click()
    page.wait_for_url(f"{live_server.url}/en/networks/happy-women-network/")
    assert page.locator("h1").inner_text() == "Happy Women Network"
    page.locator(".language-switcher a[lang=km]").click()
    page.wait_for_url(f"{live_server.url}/km/networks/happy-women-network/")
    assert page.locator("h1").inner_text() == "បណ្តាញស្ត្រីរីករាយ"


def test_safe_house_quick_exit_from_the_keyboard_leaves_no_history_entry(live_server, page, demo_pages, axe_check):
    _pages, site_settings = demo_pages
    # Leave to a harmless local page; in production this is an outside site.
    site_settings.quick_exit_url = f"{live_server.url}/km/search/?q="
    site_settings.save()
    external = []
    page.on(
        "request", lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None
    )

    page.goto(f"{live_server.url}/km/")
    page.goto(f"{live_server.url}/km/safe-house/")
    axe_check(page)
    history_before = page.evaluate("history.length")
    # Skip link first, then the quick exit: two presses of Tab reach it.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/km/search/?q=")
    assert page.evaluate("history.length") == history_before
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/km/"
    assert external == []


def test_safe_house_escape_twice_leaves(live_server, page, demo_pages):
    _pages, site_settings = demo_pages
    site_settings.quick_exit_url = f"{live_server.url}/en/search/?q="
    site_settings.save()
    page.goto(f"{live_server.url}/en/safe-house/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{live_server.url}/en/search/?q=")
