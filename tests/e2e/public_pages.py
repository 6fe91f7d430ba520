"""Walk every public page type (and each public form's error state) in Chromium, the way a
visitor does: catalog → product → cart → checkout → order → KHQR / bank transfer, course →
enrol → enrolment, contact, sign-in, search, verify, 403, 404, and My shop signed in (as the
producer, then as the coordinator for the group-trade screens).

`walk()` yields one `Visit` per page state with the HTML the server sent (for the Nu checker)
while the browser page still shows it (for axe-core and the Latin-script check). It needs the
demo data of `manage.py seed_demo`; it can also be pointed at a running demo server:

    .venv/bin/python -m tests.e2e.public_pages http://127.0.0.1:8000 /tmp/pages
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

LANGUAGES = ("km", "en")
DEMO_PASSWORD = "sahakum-demo"


@dataclass
class Visit:
    language: str
    name: str
    url: str
    status: int
    html: str


class Walker:
    def __init__(self, page, base_url: str):
        self.page = page
        self.base = base_url.rstrip("/")
        self.documents = []
        self.failed = []  # sub-resources (styles, fonts, images, the favicon) that did not load
        page.on(
            "response",
            lambda response: self.failed.append(f"{response.status} {response.url}")
            if response.request.resource_type != "document" and response.status >= 400
            else None,
        )
        page.on(
            "response",
            lambda response: self.documents.append(response)
            if response.request.resource_type == "document" and response.frame == page.main_frame
            else None,
        )

    def _visit(self, language, name) -> Visit:
        self.page.wait_for_load_state()
        response = self.documents[-1]
        return Visit(language, name, self.page.url, response.status, response.text())

    def goto(self, language, name, path) -> Visit:
        self.documents.clear()
        self.page.goto(path if path.startswith("http") else self.base + path)
        return self._visit(language, name)

    def submit(self, language, name, form_selector, fill=None) -> Visit:
        """Fill (selector → value; "check" ticks a radio or checkbox) and submit a form."""
        for selector, value in (fill or {}).items():
            if value == "check":
                self.page.check(selector)
            elif self.page.locator(selector).evaluate("e => e.tagName") == "SELECT":
                self.page.select_option(selector, value)
            else:
                self.page.fill(selector, value)
        self.documents.clear()
        with self.page.expect_navigation():
            self.page.locator(f"{form_selector} [type=submit]").first.click()
        return self._visit(language, name)

    def first_href(self, selector) -> str:
        return self.page.locator(selector).first.get_attribute("href")


def walk(
    page, base_url: str, *, verify_code: str | None = None, languages=LANGUAGES, failed: list | None = None
) -> Iterator[Visit]:
    walker = Walker(page, base_url)
    if failed is not None:
        walker.failed = failed
    for lang in languages:
        page.context.clear_cookies()
        yield walker.goto(lang, "home", f"/{lang}/")
        yield walker.goto(lang, "standard", f"/{lang}/about/")
        yield walker.goto(lang, "news index", f"/{lang}/news/")
        yield walker.goto(lang, "news", f"/{lang}/news/rice-harvest-market-day/")
        yield walker.goto(lang, "network index", f"/{lang}/networks/")
        yield walker.goto(lang, "network", f"/{lang}/networks/good-men-network/")
        yield walker.goto(lang, "safe house", f"/{lang}/safe-house/")
        yield walker.goto(lang, "contact", f"/{lang}/contact/")
        yield walker.submit(lang, "contact (errors)", "main form")
        yield walker.goto(lang, "search", f"/{lang}/search/?q=" + ("ក្រមា" if lang == "km" else "scarf"))
        yield walker.goto(lang, "404", f"/{lang}/no-such-page/")

        # Marketplace: catalog → product → cart → checkout → order → payment pages.
        yield walker.goto(lang, "catalog (trained producers)", f"/{lang}/market/?trained=on")
        yield walker.goto(lang, "product (trained badge)", walker.first_href("main a[href*='/market/p/']"))
        yield walker.goto(lang, "catalog", f"/{lang}/market/")
        product = walker.goto(lang, "product", walker.first_href("main a[href*='/market/p/']"))
        yield product
        yield walker.submit(lang, "product (quote request errors)", "form[action$='/quote/']")
        # A trader's quote request from the product page leads to her quote's page (token link).
        page.goto(product.url)
        yield walker.submit(
            lang,
            "quote (requested)",
            "form[action$='/quote/']",
            {"#id_quote_name": "ស្រីពៅ", "#id_quote_phone": "012 345 678", "#id_quote_quantity": "80"},
        )
        yield walker.goto(lang, "ask for a quote", f"/{lang}/market/quotes/new/")
        yield walker.submit(lang, "ask for a quote (errors)", "main form.form")
        page.goto(product.url)
        yield walker.submit(lang, "cart", "form[action$='/cart/add/']")
        yield walker.goto(lang, "checkout", f"/{lang}/market/checkout/")
        yield walker.submit(lang, "checkout (errors)", "form.checkout-form", {"#id_buyer_name": ""})
        buyer = {"#id_buyer_name": "សុខ ស្រីពៅ", "#id_buyer_phone": "012 345 678"}
        # Placing the order leads to its payment page; the order page is one level up.
        khqr = walker.submit(
            lang, "KHQR", "form.checkout-form", {**buyer, "input[name=payment_method][value=khqr]": "check"}
        )
        yield khqr
        yield walker.goto(lang, "order", khqr.url.replace("pay/khqr/", ""))
        page.goto(product.url)
        walker.submit(lang, "cart", "form[action$='/cart/add/']")
        page.goto(walker.base + f"/{lang}/market/checkout/")
        yield walker.submit(
            lang,
            "bank transfer",
            "form.checkout-form",
            {**buyer, "input[name=payment_method][value=bank_transfer]": "check"},
        )
        yield walker.goto(lang, "cart (empty)", f"/{lang}/market/cart/")

        # Training: catalog → course → enrol (errors) → enrolment; verification.
        yield walker.goto(lang, "course index", f"/{lang}/skills-center/")
        yield walker.goto(lang, "course (graduates on the market)", f"/{lang}/skills-center/weaving/")
        yield walker.goto(lang, "course", f"/{lang}/skills-center/tailoring/")
        yield walker.goto(lang, "enrol", walker.first_href("main a[href*='/skills-center/enrol/']"))
        yield walker.submit(lang, "enrol (errors)", "main form.form", {"#id_age": "300"})
        yield walker.submit(
            lang,
            "enrolment",
            "main form.form",
            {"#id_name": "ចាន់ ធីតា", "#id_phone": f"09{'7' if lang == 'km' else '8'} 555 123", "#id_age": "24"},
        )
        yield walker.goto(lang, "verify", f"/{lang}/skills-center/verify/")
        yield walker.goto(lang, "verify (unknown code)", f"/{lang}/skills-center/verify/NOSUCHCODE/")
        if verify_code:
            yield walker.goto(lang, "verify (certificate)", f"/{lang}/skills-center/verify/{verify_code}/")

        # Sign-in (errors), a refused form post (403), My shop signed in.
        yield walker.goto(lang, "sign-in", f"/{lang}/accounts/sign-in/")
        yield walker.submit(
            lang, "sign-in (errors)", "main form", {"#id_username": "producer", "#id_password": "wrong password"}
        )
        page.context.clear_cookies()
        yield walker.submit(
            lang, "403 (form without its CSRF cookie)", "main form", {"#id_username": "x", "#id_password": "y"}
        )
        page.goto(walker.base + f"/{lang}/accounts/sign-in/?next=/{lang}/my-shop/")
        yield walker.submit(lang, "My shop", "main form", {"#id_username": "producer", "#id_password": DEMO_PASSWORD})
        yield walker.goto(lang, "My shop: products", f"/{lang}/my-shop/products/")
        yield walker.goto(lang, "My shop: add product", f"/{lang}/my-shop/products/add/")
        yield walker.submit(lang, "My shop: add product (errors)", "main form.form")
        yield walker.goto(lang, "My shop: orders", f"/{lang}/my-shop/orders/")
        yield walker.goto(lang, "My shop: pickup days", f"/{lang}/my-shop/pickups/")
        # The pickups demo books orders on the group's next pickup day: follow its link.
        if page.locator("main a[href*='/my-shop/pickups/2']").count():
            yield walker.goto(lang, "My shop: pick list", walker.first_href("main a[href*='/my-shop/pickups/2']"))
        # Group trade: a producer sees lots and her own ledger line; the coordinator (leader of the
        # demo group) manages lots, sets the fee and records payouts.
        yield walker.goto(lang, "My shop: lots", f"/{lang}/my-shop/lots/")
        yield walker.goto(lang, "My shop: ledger", f"/{lang}/my-shop/ledger/")
        page.context.clear_cookies()
        page.goto(walker.base + f"/{lang}/accounts/sign-in/?next=/{lang}/my-shop/lots/")
        yield walker.submit(
            lang,
            "My shop: lots (coordinator)",
            "main form",
            {"#id_username": "coordinator", "#id_password": DEMO_PASSWORD},
        )
        if page.locator("main .shop-product h2 a").count():
            yield walker.goto(lang, "My shop: lot", walker.first_href("main .shop-product h2 a"))
            yield walker.submit(lang, "My shop: lot (errors)", "main form.form", {"input[name=quantity]": "0"})
        yield walker.goto(lang, "My shop: new lot", f"/{lang}/my-shop/lots/add/")
        yield walker.submit(lang, "My shop: new lot (errors)", "main form.form")
        yield walker.goto(lang, "My shop: ledger (coordinator)", f"/{lang}/my-shop/ledger/")
        yield walker.submit(
            lang, "My shop: ledger (fee errors)", "main form[action$='/fee/']", {"input[name$='-percent']": "150"}
        )
        if page.locator("main a[href$='/slip/']").count():
            yield walker.goto(lang, "My shop: payout slip", walker.first_href("main a[href$='/slip/']"))
        yield walker.goto(lang, "My shop: quotes", f"/{lang}/my-shop/quotes/?show=all")
        if page.locator("main .shop-order h2 a").count():
            yield walker.goto(lang, "My shop: quote", walker.first_href("main .shop-order h2 a"))


# Words allowed in Latin script on Khmer pages: names of standards, formats, currencies, banks and
# keyboard keys. Data that is not interface text (names people typed, product titles kept on an
# order, the bank's own names, codes) is marked translate="no" in the templates and skipped.
LATIN_ALLOWED = {
    "iCal",
    "Escape",
    "AVIF",
    "GIF",
    "JPG",
    "WEBP",
    "MB",
    "KHQR",
    "Bakong",
    "ABA",
    "ACLEDA",
    "Wing",
    "USD",
    "KHR",
    "English",
    "WebP",
    "JPEG",
    "PNG",
    "PDF",
    "SMS",
    "Telegram",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


def latin_words(text: str, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """Latin-script words in the visible text, less the allowed names, e-mail addresses, URLs and
    what the caller knows to be data (the visitor's own input)."""
    for value in ignore:
        text = text.replace(value, " ")
    text = re.sub(r"\b[A-Z]{2}-[A-Z0-9]{4,}\b", " ", text)  # order references
    text = re.sub(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:local|org|com|kh)\b", " ", text)
    return [word for word in LATIN_WORD.findall(text) if word not in LATIN_ALLOWED]


VISIBLE_TEXT_JS = """() => {
    const parts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, element = node.parentElement;
        if (!element || element.closest('script, style, [lang=en], [translate=no], .language-switcher')) continue;
        if (element.checkVisibility && !element.checkVisibility()) continue;
        parts.push(node.textContent);
    }
    for (const element of document.querySelectorAll('[placeholder], [alt], [aria-label], [title], input[type=submit]')) {
        if (element.closest('[lang=en], [translate=no], .language-switcher')) continue;
        for (const name of ['placeholder', 'alt', 'aria-label', 'title', 'value'])
            if (element.hasAttribute(name) && (name !== 'value' || element.type === 'submit')) parts.push(element.getAttribute(name));
    }
    return parts.join('\\n');
}"""


if __name__ == "__main__":  # pragma: no cover - a tool for looking at a running demo
    import json
    import os
    import sys

    from playwright.sync_api import sync_playwright

    base, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless=new"])
        page = browser.new_context(locale="km-KH").new_page()
        index = []
        for number, visit in enumerate(walk(page, base)):
            path = os.path.join(out, f"{number:02d}-{visit.language}.html")
            with open(path, "w") as file:
                file.write(visit.html)
            words = latin_words(page.evaluate(VISIBLE_TEXT_JS)) if visit.language == "km" else []
            index.append({"file": path, "name": visit.name, "url": visit.url, "status": visit.status, "latin": words})
            print(visit.language, visit.status, visit.name, visit.url, " ".join(sorted(set(words)))[:300])
        with open(os.path.join(out, "index.json"), "w") as file:
            json.dump(index, file, indent=1)
        browser.close()
