import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_registry(transactional_db):
    from accounts.demo import ensure_roles, seed_accounts
    from cms.demo import seed_pages
    from networks import demo

    ensure_roles()
    users = seed_accounts(log=lambda *args: None)
    pages = seed_pages(log=lambda *args: None)
    demo.seed(users=users, pages=pages, log=lambda *args: None)


@pytest.mark.parametrize("language", ["km", "en"])
def test_network_page_figures_are_accessible(live_server, page, demo_registry, axe_check, language):
    page.goto(f"{live_server.url}/{language}/networks/children-and-youth-network/")
    figures = page.locator(".network-figures")
    assert figures.count() == 1
    assert "313" in figures.inner_text()
    axe_check(page)


def test_home_page_shows_network_figures(live_server, page, demo_registry, axe_check):
    page.goto(f"{live_server.url}/en/")
    section = page.locator("#home-network-figures-title").locator("xpath=..")
    text = section.inner_text()
    assert "457" in text and "Good Men Network" in text
    section.get_by_role("link", name="Good Men Network").click()
    page.wait_for_url(f"{live_server.url}/en/networks/good-men-network/")
    axe_check(page)
