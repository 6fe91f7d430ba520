"""The anonymous page cache and every purge rule, in one module.

Why our own middleware on Django's cache framework, rather than a package:
- Django's `UpdateCacheMiddleware` keys on the `Vary` headers; a page with a form varies on
  `Cookie` (the CSRF token), so each visitor would get a private copy and nothing would be
  shared. It also cannot purge one URL, let alone "every page that shows product 42".
- wagtail-cache (CodeRed) purges by URL through Wagtail's page hooks only; our catalog and
  product pages are routes of one page and change with stock, sessions and registry figures,
  which are not pages. Its support for Wagtail 8 was not released when this was written.
So pages are stored through Django's cache API (local memory in development, Redis in
production, `CACHES["default"]`) and purged by *tags*, and Wagtail's frontend cache
(`wagtail.contrib.frontend_cache`) is the documented way to purge a CDN in front of it.

Rules, all tested in tests/perf/test_page_cache.py:
- Only GET requests from visitors without a session or messages cookie and without an
  Authorization header are served from or stored in the cache; a visitor with a cart, a
  signed-in user or one with a flash message always gets a fresh page. So the catalog's cart
  link is right: a visitor without a session has no cart.
- Only Wagtail pages served by the page tree are stored (the page itself, or a route listed in
  CACHEABLE_ROUTES: catalog and product); never admin, previews, cart, checkout, orders,
  receipts, enrolments, My shop or search. A response is stored only when it is a 200 HTML
  TemplateResponse, the user is anonymous, the session was not written, no cookie other than
  CSRF is being set, the view did not say `private`/`no-store`, and the page has no view
  restriction.
- CSRF: a cached page keeps its forms. The masked tokens in the stored HTML are replaced by a
  placeholder; each hit gets a fresh token of its own visitor (`get_token`, a new mask per
  response, so compression does not leak it: BREACH) and the CSRF cookie is set as usual.
- Keys: language + host + full path with the query string.
- Purge by tag, race-free: a shared counter ("clock") is read before a page is rendered and
  stored with it; a purge advances the clock and stamps the tag with the new value. An entry
  is served only while every one of its tags is stamped no later than its own clock reading,
  so a page rendered before a purge and stored after it is never served. A missing tag stamp
  (evicted) is a miss. Purges run after the transaction commits.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterable
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.middleware.csrf import get_token
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

CACHEABLE_ROUTES = {"catalog", "product"}
TAG_SITE = "site"  # everything: menus, footer, settings, exchange rate
TAG_CATALOG = "catalog"  # product listings: the catalog and the home page's featured products
TAG_SESSIONS = "sessions"  # course sessions: the course index and the home page
TAG_REGISTRY = "registry"  # public network figures: network pages and the home page
CSRF_PLACEHOLDER = "__sahakum_csrf_placeholder__"
CSRF_INPUT_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
STORED_HEADERS_SKIP = {"set-cookie", "content-length"}
HEADER_STATUS = "X-Page-Cache"


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def lifetime() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


# --- the clock and tag stamps -------------------------------------------------------------

CLOCK_KEY = "pc:clock"


def _tag_key(tag: str) -> str:
    return f"pc:tag:{tag}"


def _clock_now() -> int | None:
    """The clock, or None when the cache cannot keep one (Redis down): then nothing is stored."""
    cache = _cache()
    value = cache.get(CLOCK_KEY)
    if value is None:
        # Lost or new: start from the wall clock in ms, beyond any value handed out before.
        cache.add(CLOCK_KEY, int(time.time() * 1000), timeout=None)
        value = cache.get(CLOCK_KEY)
    return None if value is None else int(value)


def _clock_advance() -> int | None:
    cache = _cache()
    try:
        return int(cache.incr(CLOCK_KEY))
    except ValueError:
        cache.add(CLOCK_KEY, int(time.time() * 1000), timeout=None)
        try:
            return int(cache.incr(CLOCK_KEY))
        except ValueError:
            return None


def purge_now(*tags: str) -> None:
    """Mark every cached page carrying one of these tags as stale (and the fragments too)."""
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    stamp = _clock_advance()
    if stamp is None:
        logger.warning("Page cache purge of %s not recorded: the cache is unavailable", sorted(tags))
        return
    _cache().set_many({_tag_key(tag): stamp for tag in tags}, timeout=None)


def purge(*tags: str) -> None:
    """Purge once the current transaction commits (at once outside a transaction)."""
    tags = tuple(tags)
    transaction.on_commit(lambda: purge_now(*tags))


# --- what each kind of change purges (called from signal receivers and services) ----------


def purge_products(product_ids: Iterable[int], category_ids: Iterable[int] = ()) -> None:
    """A product's price, stock, status, photo or text changed: its page, the pages listing it
    (catalog, home, its category's related products)."""
    purge(
        TAG_CATALOG,
        *(f"product:{pk}" for pk in product_ids),
        *(f"category:{pk}" for pk in category_ids if pk),
    )


def purge_member_products(member_ids: Iterable[int | None]) -> None:
    """Something shown on every product of these registry members changed (the trained badge)."""
    member_ids = {pk for pk in member_ids if pk}
    if not member_ids:
        return
    from marketplace.models import Product

    rows = list(Product.objects.filter(producer_id__in=member_ids).values_list("pk", "category_id"))
    if rows:
        purge_products([pk for pk, _category in rows], [category for _pk, category in rows])


def purge_course(translation_key) -> None:
    """A session's seats or status changed, or an enrolment moved them."""
    purge(TAG_SESSIONS, f"course:{translation_key}" if translation_key else "")


def purge_registry() -> None:
    """Registry records that feed the public figures changed."""
    purge(TAG_REGISTRY)


def purge_page(page) -> None:
    """A page was published, unpublished, moved or deleted: the page in every language, its
    parent (listings), and every page when it shows in the menu or sits at the top."""
    tags = [f"tk:{page.translation_key}"]
    parent = page.get_parent() if page.depth > 1 else None
    if parent is not None:
        tags.append(f"tk:{parent.translation_key}")
    if page.show_in_menus or page.depth <= 3:
        tags.append(TAG_SITE)
    purge(*tags)


def purge_site() -> None:
    purge(TAG_SITE)


# --- tags of a rendered page ---------------------------------------------------------------


def page_tags(page, context: dict) -> set[str]:
    from cms.models import HomePage, NetworkIndexPage, NetworkPage
    from marketplace.models import MarketPage
    from training.models import CourseIndexPage, CoursePage

    tags = {TAG_SITE, f"tk:{page.translation_key}"}
    specific_class = page.specific_class
    if issubclass(specific_class, HomePage):
        tags |= {TAG_CATALOG, TAG_SESSIONS, TAG_REGISTRY}
    elif issubclass(specific_class, (NetworkIndexPage, NetworkPage)):
        tags.add(TAG_REGISTRY)
    elif issubclass(specific_class, CourseIndexPage):
        tags.add(TAG_SESSIONS)
    elif issubclass(specific_class, CoursePage):
        # "N graduates now sell on the market" changes with products and registry records too.
        tags |= {f"course:{page.translation_key}", TAG_CATALOG, TAG_REGISTRY}
    elif issubclass(specific_class, MarketPage):
        product = context.get("product")
        if product is not None:
            tags |= {f"product:{product.pk}", f"category:{product.category_id}"}
        else:
            tags.add(TAG_CATALOG)
    return tags


# --- the middleware -----------------------------------------------------------------------


def _may_use_cache(request) -> bool:
    if request.method != "GET" or lifetime() <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return True


def _cache_key(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", "") or ""
    raw = f"{request.get_host()}\n{request.get_full_path()}"
    return f"pc:page:{language}:{hashlib.sha256(raw.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Place after CsrfViewMiddleware (so a hit's fresh token gets its cookie) and before the
    middleware whose headers the stored page keeps (clickjacking, CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = _cache_key(request)
        hit = self._fetch(request, key)
        if hit is not None:
            return hit
        clock = _clock_now()
        response = self.get_response(request)
        tags = getattr(request, "_page_cache_tags", None)
        if clock is not None and tags and self._storable(request, response):
            self._store(request, response, key, clock, tags)
            response[HEADER_STATUS] = "miss"
        return response

    def process_template_response(self, request, response):
        context = response.context_data or {}
        page = context.get("page")
        match = getattr(request, "resolver_match", None)
        if page is None or match is None or match.url_name != "wagtail_serve":
            return response
        routable = getattr(request, "routable_resolver_match", None)
        if routable is not None and routable.url_name not in CACHEABLE_ROUTES:
            return response
        from wagtail.models import Page

        if isinstance(page, Page) and not getattr(request, "is_preview", False):
            request._page_cache_tags = page_tags(page, context)
            request._page_cache_page = page
        return response

    # -- storing --

    def _storable(self, request, response) -> bool:
        if response.status_code != 200 or response.streaming:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        if session is not None and (session.modified or not session.is_empty()):
            return False
        if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
            return False
        cache_control = {
            part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
        }
        if cache_control & {"private", "no-store", "no-cache"}:
            return False
        page = request._page_cache_page
        if page.get_view_restrictions().exists():
            return False
        return True

    def _store(self, request, response, key, clock, tags) -> None:
        content = response.content.decode(response.charset)
        secret = request.META.get("CSRF_COOKIE")
        content, replaced = CSRF_INPUT_RE.subn(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", content)
        token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or replaced
        if token_used and (not replaced or (secret and secret in content)):
            return  # a token somewhere we cannot replace: never store it
        cache = _cache()
        stamps = cache.get_many([_tag_key(tag) for tag in tags])
        missing = {_tag_key(tag): clock for tag in tags if _tag_key(tag) not in stamps}
        for tag_key, stamp in missing.items():
            cache.add(tag_key, stamp, timeout=None)
        headers = [(name, value) for name, value in response.items() if name.lower() not in STORED_HEADERS_SKIP]
        entry = {
            "clock": clock,
            "tags": sorted(tags),
            "headers": headers,
            "content": content,
            "csrf": bool(replaced),
            "charset": response.charset,
            "encoded": {},
        }
        if not replaced:
            # Nothing per visitor in it: compress once here rather than on every hit.
            from django.utils.text import compress_string

            from cms.compression import brotli, compress_br

            body = response.content
            entry["encoded"]["gzip"] = compress_string(body, max_random_bytes=0)  # nothing secret to pad
            if brotli is not None:
                entry["encoded"]["br"] = compress_br(body, stored=True)
        cache.set(key, entry, timeout=lifetime())

    # -- serving --

    def _fetch(self, request, key):
        cache = _cache()
        entry = cache.get(key)
        if entry is None:
            return None
        tag_keys = [_tag_key(tag) for tag in entry["tags"]]
        stamps = cache.get_many(tag_keys)
        if len(stamps) != len(tag_keys) or any(int(stamp) > entry["clock"] for stamp in stamps.values()):
            return None
        from django.http import HttpResponse

        content = entry["content"]
        if entry["csrf"]:
            # The visitor's own token, freshly masked for this response (BREACH).
            content = content.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(content.encode(entry["charset"]))
        for name, value in entry["headers"]:
            response[name] = value
        response[HEADER_STATUS] = "hit"
        encoded = entry.get("encoded") or {}
        if encoded:
            from django.utils.cache import patch_vary_headers

            from cms.compression import client_accepts_br

            patch_vary_headers(response, ("Accept-Encoding",))
            accepts = request.META.get("HTTP_ACCEPT_ENCODING", "")
            encoding = "br" if "br" in encoded and client_accepts_br(request) else None
            if encoding is None and "gzip" in accepts and "gzip" in encoded:
                encoding = "gzip"
            if encoding:
                response.content = encoded[encoding]
                response["Content-Encoding"] = encoding
                response["Content-Length"] = str(len(response.content))
        return response


# --- receivers: changes made anywhere (admin, services, shell) purge what they show ----------
# Writes that bypass save() (queryset.update, bulk_create) call the purge_* functions above
# from their service instead.


def _on_product_pre_save(sender, instance, **kwargs):
    if instance.pk:
        instance._page_cache_old_category = (
            sender.objects.filter(pk=instance.pk).values_list("category_id", flat=True).first()
        )


def _on_product_change(sender, instance, **kwargs):
    purge_products([instance.pk], [instance.category_id, getattr(instance, "_page_cache_old_category", None)])


def _on_photo_change(sender, instance, **kwargs):
    product = instance.product
    purge_products([instance.product_id], [product.category_id] if product else [])


def _on_session_change(sender, instance, **kwargs):
    purge_course(instance.course.translation_key)


def _on_enrolment_pre_save(sender, instance, **kwargs):
    if instance.pk:
        instance._page_cache_old_member = (
            sender.objects.filter(pk=instance.pk).values_list("member_id", flat=True).first()
        )


def _on_enrolment_change(sender, instance, **kwargs):
    purge_course(instance.session.course.translation_key)
    # A completed (or uncompleted, withdrawn, relinked) course changes the "trained" badge on
    # the member's products: their cards and pages, and the catalog.
    purge_member_products([instance.member_id, getattr(instance, "_page_cache_old_member", None)])


def _on_registry_change(sender, instance, **kwargs):
    purge_registry()


def _on_site_change(sender, instance, **kwargs):
    purge_site()


def _on_image_change(sender, instance, created=False, **kwargs):
    # A new image is shown nowhere until a product or page uses it (that change purges);
    # a replaced or deleted file may be shown anywhere.
    if not created:
        purge_site()


def _on_page_change(sender, instance, **kwargs):
    purge_page(instance)


def _on_page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    purge_page(instance)
    purge(TAG_SITE)


def connect_receivers() -> None:
    install_locale_memo()
    install_site_lookup_cache()
    install_view_restriction_cache()
    install_route_cache()
    from django.db.models.signals import post_delete, post_save, pre_save
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from cms.models import SiteSettings
    from marketplace.models import Category, Product, ProductPhoto
    from networks.models import Group, Member, Membership, Network
    from training.models import CourseSession, Enrolment

    uid = "page_cache"
    pre_save.connect(_on_product_pre_save, sender=Product, dispatch_uid=f"{uid}_product_pre")
    pre_save.connect(_on_enrolment_pre_save, sender=Enrolment, dispatch_uid=f"{uid}_enrolment_pre")
    for signal in (post_save, post_delete):
        name = signal is post_save and "save" or "delete"
        signal.connect(_on_product_change, sender=Product, dispatch_uid=f"{uid}_product_{name}")
        signal.connect(_on_photo_change, sender=ProductPhoto, dispatch_uid=f"{uid}_photo_{name}")
        signal.connect(_on_site_change, sender=Category, dispatch_uid=f"{uid}_category_{name}")
        signal.connect(_on_session_change, sender=CourseSession, dispatch_uid=f"{uid}_session_{name}")
        signal.connect(_on_enrolment_change, sender=Enrolment, dispatch_uid=f"{uid}_enrolment_{name}")
        for model in (Network, Group, Member, Membership):
            signal.connect(_on_registry_change, sender=model, dispatch_uid=f"{uid}_{model.__name__}_{name}")
        signal.connect(_on_site_change, sender=SiteSettings, dispatch_uid=f"{uid}_settings_{name}")
        signal.connect(_on_site_change, sender=Site, dispatch_uid=f"{uid}_site_{name}")
        signal.connect(_on_site_change, sender=PageViewRestriction, dispatch_uid=f"{uid}_restriction_{name}")
        signal.connect(_on_image_change, sender=get_image_model(), dispatch_uid=f"{uid}_image_{name}")
    page_published.connect(_on_page_change, dispatch_uid=f"{uid}_published")
    page_unpublished.connect(_on_page_change, dispatch_uid=f"{uid}_unpublished")
    post_page_move.connect(_on_page_moved, dispatch_uid=f"{uid}_moved")


# --- fragments: what every page repeats (menu, language links, site settings) --------------


def fragment_lifetime() -> int:
    return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) or 0)


def fragment(key: str, tags: Iterable[str], compute):
    """`compute()`'s value, kept in the cache until a purge of one of `tags` (same clock rule
    as pages, one cache round trip on a hit)."""
    if fragment_lifetime() <= 0:
        return compute()
    cache = _cache()
    tags = sorted(set(tags) | {TAG_SITE})
    entry_key = f"pc:frag:{key}"
    tag_keys = [_tag_key(tag) for tag in tags]
    found = cache.get_many([entry_key, *tag_keys])
    entry = found.get(entry_key)
    if entry is not None and all(tag_key in found and int(found[tag_key]) <= entry["clock"] for tag_key in tag_keys):
        return entry["value"]
    clock = _clock_now()
    value = compute()
    if clock is None:
        return value
    for tag_key in tag_keys:
        if tag_key not in found:
            cache.add(tag_key, clock, timeout=None)
    cache.set(entry_key, {"clock": clock, "value": value}, timeout=fragment_lifetime())
    return value


def fragments_many(items: dict[str, tuple[Iterable[str], object]], compute, prepare=None) -> dict[str, object]:
    """Many fragments in one cache round trip: `items` maps a key to (tags, argument);
    `compute(argument)` makes a missing one. `prepare(arguments)`, when given, is called once
    with the arguments of the missing ones before any `compute` (to read them in one query).
    Same clock rule as `fragment`."""
    if fragment_lifetime() <= 0 or not items:
        if prepare is not None and items:
            prepare([argument for _tags, argument in items.values()])
        return {key: compute(argument) for key, (_tags, argument) in items.items()}
    cache = _cache()
    tags_of = {key: sorted(set(tags) | {TAG_SITE}) for key, (tags, _argument) in items.items()}
    tag_keys = sorted({_tag_key(tag) for tags in tags_of.values() for tag in tags})
    found = cache.get_many([f"pc:frag:{key}" for key in items] + tag_keys)
    result, missing = {}, []
    for key in items:
        entry = found.get(f"pc:frag:{key}")
        if entry is not None and all(
            _tag_key(tag) in found and int(found[_tag_key(tag)]) <= entry["clock"] for tag in tags_of[key]
        ):
            result[key] = entry["value"]
        else:
            missing.append(key)
    if missing:
        clock = _clock_now()
        if prepare is not None:
            prepare([items[key][1] for key in missing])
        for key in missing:
            result[key] = compute(items[key][1])
        if clock is not None:
            for tag_key in tag_keys:
                if tag_key not in found:
                    cache.add(tag_key, clock, timeout=None)
            cache.set_many(
                {f"pc:frag:{key}": {"clock": clock, "value": result[key]} for key in missing},
                timeout=fragment_lifetime(),
            )
    return result


# --- one Locale lookup per request ---------------------------------------------------------

_locale_memo: ContextVar[dict | None] = ContextVar("sahakum_locale_memo", default=None)


def install_locale_memo() -> None:
    """Wagtail looks the active Locale up several times per request (routing, menus,
    translations); inside a request the first answer is reused."""
    from wagtail.models.i18n import LocaleManager

    original = LocaleManager.get_for_language
    if getattr(original, "_sahakum_memo", False):
        return

    def get_for_language(self, language_code):
        memo = _locale_memo.get()
        if memo is None:
            return original(self, language_code)
        key = (self.db, language_code)
        if key not in memo:
            memo[key] = original(self, language_code)
        return memo[key]

    get_for_language._sahakum_memo = True
    LocaleManager.get_for_language = get_for_language


class RequestMemoMiddleware:
    """Scope of the per-request memo above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _locale_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _locale_memo.reset(token)


def install_site_lookup_cache() -> None:
    """Wagtail finds the request's Site with one query per request; the answer is kept in the
    fragment cache, keyed by host and port, and purged when a Site changes."""
    from wagtail.models import sites

    original = sites.get_site_for_hostname
    if getattr(original, "_sahakum_cached", False):
        return

    def get_site_for_hostname(hostname, port):
        return fragment(f"site-for:{hostname}:{port}", (), lambda: original(hostname, port))

    get_site_for_hostname._sahakum_cached = True
    sites.get_site_for_hostname = get_site_for_hostname


def install_view_restriction_cache() -> None:
    """Wagtail checks a page's view restrictions (its own and its ancestors') with two queries
    per view. The ids of the restrictions that apply are kept in the fragment cache, purged
    whenever a restriction changes or a page moves; an unrestricted page then costs nothing
    (an empty queryset runs no query) and a restricted one a single query."""
    from wagtail.models import Page, PageViewRestriction

    original = Page.get_view_restrictions
    if getattr(original, "_sahakum_cached", False):
        return

    def get_view_restrictions(self):
        if fragment_lifetime() <= 0 or not self.pk:
            return original(self)
        ids = fragment(f"restrictions:{self.pk}", (), lambda: list(original(self).values_list("pk", flat=True)))
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)

    get_view_restrictions._sahakum_cached = True
    Page.get_view_restrictions = get_view_restrictions


def install_route_cache() -> None:
    """Wagtail resolves a URL one path component at a time: the site's root page in the active
    language (`localized.specific`), then for each component the child with that slug and its
    `specific` page, two queries each. The specific pages found are kept in the fragment cache:
    the root per site and language (purged with the site: a root page's publish purges it), a
    child per parent and slug, tagged with its parent's translation key, which every publish,
    unpublish or move of a child purges (purge_page; Wagtail unpublishes a live page before
    deleting it).
    A slug that leads nowhere is not kept (a 404 is computed each time). Routable pages
    (catalog, product) resolve their own sub-paths in Python afterwards, as before."""
    from django.http import Http404
    from django.utils.translation import get_language
    from wagtail.models import Page, Site

    original_route = Page.route
    if getattr(original_route, "_sahakum_cached", False):
        return

    def child_page(parent, slug):
        try:
            return parent.get_children().get(slug=slug).specific
        except Page.DoesNotExist as error:
            raise Http404 from error

    def route(self, request, path_components):
        if not path_components or fragment_lifetime() <= 0:
            return original_route(self, request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        subpage = fragment(
            f"route-child:{self.pk}:{slug}", (f"tk:{self.translation_key}",), lambda: child_page(self, slug)
        )
        subpage._cached_parent_obj = self
        return subpage.route(request, remaining)

    original_route_for_request = Page.route_for_request

    def route_for_request(request, path):
        if fragment_lifetime() > 0 and not hasattr(request, "_wagtail_route_for_request"):
            site = Site.find_for_request(request)
            if site is not None:
                root = fragment(f"route-root:{site.pk}:{get_language()}", (), lambda: site.root_page.localized.specific)
                try:
                    request._wagtail_route_for_request = root.route(request, [part for part in path.split("/") if part])
                except Http404:
                    request._wagtail_route_for_request = None
        return original_route_for_request(request, path)

    route._sahakum_cached = True
    Page.route = route
    Page.route_for_request = staticmethod(route_for_request)
