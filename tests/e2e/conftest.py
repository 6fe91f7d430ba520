"""Browser tests: Playwright (Python) driving Debian's Chromium against a live test server.

No browser is downloaded: we launch /usr/bin/chromium (apt-get install chromium). Where it is
absent the tests skip and say why; CI installs it so they always run there."""

import os
import tempfile

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="package", autouse=True)
def allow_sync_database_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the test itself still talks to
    the database synchronously, which Django otherwise refuses. Only for this package: the
    variable must not leak into later tests (`check --deploy` refuses it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def playwright_instance(allow_sync_database_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def chromium(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="km-KH", viewport={"width": 390, "height": 844})
    browser_page = context.new_page()
    browser_page.set_default_timeout(15_000)
    yield browser_page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core (shipped inside axe-playwright-python) on the page; fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(browser_page, context=None):
        results = axe.run(browser_page, context=context)
        violations = results.response.get("violations", [])
        assert not violations, results.generate_report()

    return check


@pytest.fixture
def artifacts_dir():
    path = os.environ.get("TEST_ARTIFACTS", os.path.join(tempfile.gettempdir(), "sahakum-test-artifacts"))
    os.makedirs(path, exist_ok=True)
    return path
