"""Shared reads with their joins, and who may see what.

Scope rules (used by My shop AND the Wagtail admin, so both agree):
- a producer is a user linked to a networks.Member (Member.user) with the Producer role; they
  see their groups' orders and inquiries and edit their own products;
- a group coordinator (Group coordinator role) whose Member is leader, deputy or treasurer of a
  group acts for every member of that group: all its products too;
- staff with the model permission see everything (checked by the caller)."""

from django.db import models
from django.db.models import F, Prefetch, Q

COORDINATOR_ROLES = ("leader", "deputy", "treasurer")
# The renditions a catalog card uses (templates/marketplace/includes/product_card.html).
CARD_RENDITIONS = ("fill-320x240|format-webp", "fill-640x480|format-webp")


def member_for(user):
    """The registry member linked to this account, or None (cached on the user object)."""
    if not user or not user.is_authenticated:
        return None
    if not hasattr(user, "_market_member"):
        from networks.models import Member

        user._market_member = Member.objects.filter(user=user).first()
    return user._market_member


def shop_group_ids(user) -> set[int]:
    """Producer groups this user may work for in My shop (empty for everyone else)."""
    from accounts.roles import GROUP_COORDINATOR, PRODUCER, has_role

    if not has_role(user, PRODUCER, GROUP_COORDINATOR):
        return set()
    member = member_for(user)
    if member is None:
        return set()
    if not hasattr(user, "_market_group_ids"):
        user._market_group_ids = set(member.memberships.filter(left__isnull=True).values_list("group_id", flat=True))
    return user._market_group_ids


def coordinated_group_ids(user) -> set[int]:
    """Groups where this user is a coordinator (role and office in the group both needed)."""
    from accounts.roles import GROUP_COORDINATOR, has_role

    if not has_role(user, GROUP_COORDINATOR):
        return set()
    member = member_for(user)
    if member is None:
        return set()
    if not hasattr(user, "_market_coordinated_ids"):
        user._market_coordinated_ids = set(
            member.memberships.filter(left__isnull=True, role__in=COORDINATOR_ROLES).values_list("group_id", flat=True)
        )
    return user._market_coordinated_ids


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def for_cards(self):
        """What a catalog card shows, in a constant number of queries: the group, its village
        and district in one join; the first photo's renditions prefetched."""
        from wagtail.images import get_image_model

        from .models import ProductPhoto

        # Photo and image in one join; their card renditions in one more query.
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=CARD_RENDITIONS)
        photos = (
            ProductPhoto.objects.order_by("sort_order", "pk")
            .select_related("image")
            .prefetch_related(Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions"))
        )
        return self.select_related(
            "category", "group__village__commune__district", "group__commune__district"
        ).prefetch_related(Prefetch("photos", queryset=photos))

    def editable_by(self, user):
        """Products this user may change in My shop."""
        member = member_for(user)
        groups = shop_group_ids(user)
        if member is None or not groups:
            return self.none()
        return self.filter(Q(producer=member, group_id__in=groups) | Q(group_id__in=coordinated_group_ids(user)))

    def search(self, query: str):
        """Keyword search: each Khmer or English word of the query must occur in the product's
        segmented text; on PostgreSQL a trigram word similarity also accepts misspellings."""
        from django.db import connection

        from cms.khmer import segment

        words = [word for word in segment(query).lower().split() if word]
        if not words:
            return self
        exact = Q()
        for word in words:
            exact &= Q(search_text__contains=word)  # both sides are lower-cased; LIKE can use the trigram index
        if connection.vendor == "postgresql":
            fuzzy = Q()
            for word in words:
                if len(word) >= 3:
                    fuzzy &= Q(search_text__trigram_word_similar=word)
            if fuzzy:
                return self.filter(exact | fuzzy)
        return self.filter(exact)


class OrderQuerySet(models.QuerySet):
    def with_lines(self):
        from .models import Fulfilment, OrderLine

        return self.prefetch_related(
            Prefetch("fulfilments", queryset=Fulfilment.objects.select_related("group").order_by("pk")),
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        )

    def expired_unpaid(self, now):
        return self.filter(status="pending_payment", expires_at__isnull=False, expires_at__lte=now)

    def awaiting_payment(self):
        """Orders whose money someone still has to record: not cancelled, not paid in full, and
        not paid by card (Stripe confirms those itself). Order.paid_at is set once the captured
        payments cover the total (marketplace.payments.settle)."""
        return self.filter(
            status__in=["pending_payment", "confirmed", "ready", "delivered"], paid_at__isnull=True
        ).exclude(payment_method="stripe")


class InquiryQuerySet(models.QuerySet):
    def for_groups(self, group_ids):
        return self.filter(group_id__in=group_ids)


FEATURED_COUNT = 4
SEARCH_RESULT_COUNT = 10


def market_page_for_language(language_code: str | None):
    """The live MarketPage in this language (falls back to any live one)."""
    from .models import MarketPage

    pages = MarketPage.objects.live().select_related("locale")
    for page in pages:
        if page.locale.language_code == language_code:
            return page
    return pages[0] if pages else None


def featured_products(request):
    """Newest published products in stock, for the home page."""
    from .models import Product

    page = market_page_for_language(getattr(request, "LANGUAGE_CODE", None))
    products = list(
        Product.objects.published()
        .filter(stock__gt=0)
        .for_cards()
        .order_by(F("published_at").desc(nulls_last=True), "-pk")[:FEATURED_COUNT]
    )
    return products, page


def product_search_results(request, segmented_query: str) -> list[dict]:
    """Products for the site search (cms.views.search): title, url, summary, kind."""
    from django.utils.text import Truncator
    from django.utils.translation import gettext as _

    from .models import Product

    page = market_page_for_language(getattr(request, "LANGUAGE_CODE", None))
    if page is None or not segmented_query.strip():
        return []
    products = Product.objects.published().search(segmented_query).select_related("group")[:SEARCH_RESULT_COUNT]
    return [
        {
            "title": product.title,
            "url": page.url + product.get_url_path(),
            "summary": Truncator(product.description).words(25) or str(product.group),
            "kind": _("Product"),
        }
        for product in products
    ]
