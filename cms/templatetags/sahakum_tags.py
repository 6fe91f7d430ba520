import hashlib
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from wagtail.models import Locale, Page, Site

from cms.cache import TAG_REGISTRY, fragment, fragments_many

register = template.Library()

LANGUAGE_NAMES = {"km": "ខ្មែរ", "en": "English"}


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Top-level pages shown in menus, under the home page of the current language (kept in
    the fragment cache until a page in the menu changes)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    language = translation.get_language()

    def compute():
        root = site.root_page
        locale = Locale.get_active()
        if root.locale_id != locale.id:
            root = root.get_translation_or_none(locale) or root
        pages = root.get_children().live().in_menu().public().only("id", "title", "url_path", "slug", "path", "depth")
        return [
            {"title": item.title, "url": item.get_url(request), "path": item.path, "depth": item.depth}
            for item in pages
        ]

    return [SimpleNamespace(**item) for item in fragment(f"menu:{site.pk}:{language}", (), compute)]


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language that keeps the reader on the same page: the page's translation
    where there is one, otherwise the same path under the other language prefix."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    translations = {}
    if isinstance(page, Page) and page.pk:

        def compute():
            return {
                translated.locale.language_code: translated.get_url(request)
                for translated in page.get_translations(inclusive=True).live().select_related("locale")
            }

        site_id = getattr(Site.find_for_request(request), "pk", None) if request else None
        translations = fragment(
            f"translations:{site_id}:{page.translation_key}", [f"tk:{page.translation_key}"], compute
        )
    for code, _name in settings.LANGUAGES:
        if code in translations:
            url = translations[code]
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = f"/{code}/"
        links.append({"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": url, "current": code == current})
    return links


@register.filter
def is_khmer(language_code: str) -> bool:
    return (language_code or "").startswith("km")


@register.filter
def tel_href(number) -> str:
    """A `tel:` URI for a phone number as people write it ("012 000 999" → "tel:012000999"):
    RFC 3966 allows no spaces, and the Nu checker rejects them."""
    digits = "".join(character for character in str(number or "") if character.isdigit() or character == "+")
    return f"tel:{digits}"


@register.filter
def localized(obj, field: str):
    """`{{ site_settings|localized:"address" }}`: the field in the reader's language."""
    return obj.localized(field) if obj else ""


@register.simple_tag(takes_context=True)
def product_cards(context, products, market_page=None, template_name="marketplace/includes/product_card.html"):
    """`<li>` + card for each product, each card's HTML kept in the fragment cache until its
    product (price, stock, photo…), the registry (group names) or the site settings (exchange
    rate) change; today's date and the language are in the key. A page of cards is one cache
    round trip instead of a template render per card.

    `products` is a list of products, or a page of cards with `ids` and a `load(ids)` method
    (marketplace.selectors.CardPage): then the products themselves are read, in one query,
    only for the cards missing from the cache."""
    load = getattr(products, "load", None)
    items = list(products.ids) if load is not None else list(products)
    template = context.template.engine.get_template(template_name)
    page = context.get("page")
    base = context.get("market_url") or getattr(page, "url", "") or ""
    prefix = f"card:{translation.get_language()}:{timezone.localdate()}:{base}"
    loaded: dict = {}

    def prepare(keys):
        loaded.update(load(keys))

    def render(key):
        product = loaded.get(key) if load is not None else key
        if product is None:  # unpublished since the page of ids was read
            return ""
        with context.push(product=product, market_page=market_page or page):
            return template.render(context)

    def pk(item):
        return item if load is not None else item.pk

    cards = fragments_many(
        {f"{prefix}:{pk(item)}": ([f"product:{pk(item)}", TAG_REGISTRY], item) for item in items},
        render,
        prepare if load is not None else None,
    )
    # Each card is the output of an auto-escaping template (rendered above or cached from it).
    html = "".join(f"<li>{cards[f'{prefix}:{pk(item)}']}</li>" for item in items if cards[f"{prefix}:{pk(item)}"])
    return mark_safe(html)  # nosec B308 B703  # template output, escaped when it was rendered


class FragmentCacheNode(template.Node):
    def __init__(self, nodelist, name, vary, tags):
        self.nodelist, self.name, self.vary, self.tags = nodelist, name, vary, tags

    def render(self, context):
        vary = "\x1f".join(str(expression.resolve(context)) for expression in self.vary)
        digest = hashlib.sha256(vary.encode()).hexdigest()[:32]
        key = f"block:{self.name}:{translation.get_language()}:{digest}"
        return fragment(key, self.tags, lambda: self.nodelist.render(context))


@register.tag
def fragment_cache(parser, token):
    """`{% fragment_cache "name" tags="catalog registry" vary1 vary2 %}…{% endfragment_cache %}`:
    the block's HTML kept in the fragment cache (cms.cache.fragment) per language and per value
    of the `vary` expressions, until a purge of one of the tags (or of the whole site). Only
    for HTML that is the same for every visitor with those values: never a CSRF token, a
    name or a cart."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("fragment_cache needs a name")
    name = bits[1].strip("\"'")
    tags, vary = [], []
    for bit in bits[2:]:
        if bit.startswith("tags="):
            tags = bit[len("tags=") :].strip("\"'").split()
        else:
            vary.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endfragment_cache",))
    parser.delete_first_token()
    return FragmentCacheNode(nodelist, name, vary, tags)
