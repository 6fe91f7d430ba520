"""Shared reads with their joins, and who may see what.

Scope rules (used by My shop AND the Wagtail admin, so both agree):
- a producer is a user linked to a networks.Member (Member.user) with the Producer role; they
  see their groups' orders and quotes and edit their own products;
- a group coordinator (Group coordinator role) whose Member is leader, deputy or treasurer of a
  group acts for every member of that group: all its products too;
- payouts of a group (group trade) are recorded by a producer or coordinator whose Member is its
  treasurer or leader (treasurer_group_ids);
- staff with the model permission see everything (checked by the caller)."""

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.models import Page

from accounts.roles import GROUP_COORDINATOR, PRODUCER, has_role
from cms.khmer import khmer_query_words, segment
from networks.models import Group, Member
from networks.querysets import minor_q

COORDINATOR_ROLES = ("leader", "deputy", "treasurer")
TREASURER_ROLES = ("treasurer", "leader")  # who may record a group's payouts
# The renditions a catalog card uses (templates/marketplace/includes/product_card.html).
CARD_RENDITIONS = ("fill-320x240|format-webp", "fill-640x480|format-webp")


def member_for(user):
    """The registry member linked to this account, or None (cached on the user object)."""
    if not user or not user.is_authenticated:
        return None
    if not hasattr(user, "_market_member"):
        user._market_member = Member.objects.filter(user=user).first()
    return user._market_member


def shop_group_ids(user) -> set[int]:
    """Producer groups this user may work for in My shop (empty for everyone else)."""
    if not has_role(user, PRODUCER, GROUP_COORDINATOR):
        return set()
    member = member_for(user)
    if member is None:
        return set()
    if not hasattr(user, "_market_group_ids"):
        user._market_group_ids = set(member.memberships.filter(left__isnull=True).values_list("group_id", flat=True))
    return user._market_group_ids


def _office_group_ids(user, roles: tuple[str, ...], offices: tuple[str, ...], memo: str) -> set[int]:
    """Groups where this user has one of these site roles and holds one of these offices
    (membership roles) as an active member; kept on the user for the request."""
    if not has_role(user, *roles):
        return set()
    member = member_for(user)
    if member is None:
        return set()
    if not hasattr(user, memo):
        setattr(
            user,
            memo,
            set(member.memberships.filter(left__isnull=True, role__in=offices).values_list("group_id", flat=True)),
        )
    return getattr(user, memo)


def coordinated_group_ids(user) -> set[int]:
    """Groups where this user is a coordinator (role and office in the group both needed)."""
    return _office_group_ids(user, (GROUP_COORDINATOR,), COORDINATOR_ROLES, "_market_coordinated_ids")


def treasurer_group_ids(user) -> set[int]:
    """Groups whose payouts this user may record (group trade): a producer or coordinator whose
    Member is treasurer or leader of the group."""
    return _office_group_ids(user, (PRODUCER, GROUP_COORDINATOR), TREASURER_ROLES, "_market_treasurer_ids")


def completed_courses():
    """Completed Skills Center enrolments of the product's producer (`OuterRef("producer_id")`),
    latest first; never of a protected member (a minor, or in a sensitive network), whose
    training is nobody's business on a public card. The enrolment model is reached through the
    registry's reverse relation, so the marketplace imports nothing from training."""
    enrolments = Member._meta.get_field("training_enrolments").related_model.objects
    return (
        enrolments.filter(member=OuterRef("producer_id"), status="completed")
        .exclude(minor_q(prefix="member__"))
        .exclude(member__memberships__group__network__is_sensitive=True)
        .order_by("-completed_at", "-pk")
    )


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def with_training(self):
        """Annotate `trained_course`: the title of the last course the producer completed, in
        the reader's language when the course page is translated (else as enrolled), or None.
        Subqueries of the same SELECT: no query per card."""
        latest = completed_courses()
        in_language = Page.objects.filter(
            translation_key=OuterRef("trained_course_key"),
            locale__language_code=translation.get_language(),
            live=True,
        ).values("title")[:1]
        return self.annotate(
            trained_course_key=Subquery(latest.values("session__course__translation_key")[:1])
        ).annotate(
            trained_course=Coalesce(Subquery(in_language), Subquery(latest.values("session__course__title")[:1]))
        )

    def by_trained_producers(self):
        """Products whose producer completed a Skills Center course (the catalog's filter)."""
        return self.filter(Exists(completed_courses()))

    def with_pool_members(self):
        """Annotate `pool_members`: for a pooled lot, how many members' goods it still holds
        (distinct members whose contributions have something left); None for other products.
        A subquery of the same SELECT. Reached through the reverse relation, so the querysets
        import nothing from group trade."""
        contributions = self.model._meta.get_field("pooled_lot").related_model._meta.get_field("contributions")
        holding = (
            contributions.related_model.objects.filter(
                lot__product=OuterRef("pk"), quantity__gt=models.F("quantity_sold")
            )
            .order_by()
            .values("lot__product")
            .annotate(members=Count("member", distinct=True))
            .values("members")
        )
        return self.annotate(pool_members=Subquery(holding, output_field=models.IntegerField()))

    def for_cards(self):
        """What a catalog card shows, in a constant number of queries: the group, its village
        and district in one join; the producer's training (`with_training`) and a pooled lot's
        number of members (`with_pool_members`) in the same query;
        the first photo's renditions prefetched."""
        ProductPhoto = self.model._meta.get_field("photos").related_model
        # Photo and image in one join; their card renditions in one more query.
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=CARD_RENDITIONS)
        photos = (
            ProductPhoto.objects.order_by("sort_order", "pk")
            .select_related("image")
            .prefetch_related(Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions"))
        )
        return (
            self.select_related("category", "group__village__commune__district", "group__commune__district")
            .prefetch_related(Prefetch("photos", queryset=photos))
            .with_training()
            .with_pool_members()
        )

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
        words = [word for word in segment(query).lower().split() if word]
        if not words:
            return self
        exact = Q()
        for word in words:
            exact &= Q(search_text__contains=word)  # both sides are lower-cased; LIKE can use the trigram index
        # Khmer words inside compounds the segmenter splits wrongly ("ក្រមាតម្បាញដៃ" → "ក្រមាត ម្បាញ ដៃ"
        # hides "តម្បាញ"): each word as typed must occur in the unsegmented Khmer text.
        khmer_words = khmer_query_words(query)
        if khmer_words:
            unsegmented = Q()
            for word in khmer_words:
                unsegmented &= Q(title_km__contains=word) | Q(description_km__contains=word)
            exact |= unsegmented
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
        Fulfilment = self.model._meta.get_field("fulfilments").related_model
        OrderLine = self.model._meta.get_field("lines").related_model
        return self.prefetch_related(
            Prefetch(
                "fulfilments",
                queryset=Fulfilment.objects.select_related("group__collection_point")
                .prefetch_related("group__collection_point__slots")
                .order_by("pk"),
            ),
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


class FulfilmentQuerySet(models.QuerySet):
    def open_to_fulfil(self):
        """Parts a group still has to prepare or hand over, of orders that may be fulfilled now
        (`Order.FULFILLABLE_STATUSES`, the rule fulfilment_set_status applies)."""
        order_model = self.model._meta.get_field("order").related_model
        return self.filter(
            status__in=(self.model.Status.NEW, self.model.Status.READY),
            order__status__in=order_model.FULFILLABLE_STATUSES,
        )


# Orders whose money is not (or no longer) the group's: sales figures leave them out.
UNSOLD_ORDER_STATUSES = ("cancelled", "refunded")


def paid_line_q(prefix: str = "") -> Q:
    """Order lines that are sales: the order is paid (it has a paid time; awaiting-payment KHQR,
    bank-transfer and unpaid cash orders have none), not cancelled or refunded, and the group's
    part is not cancelled. `prefix` reaches the line from another model ("fulfilments__lines__")."""
    return (
        Q(**{f"{prefix}order__paid_at__isnull": False})
        & ~Q(**{f"{prefix}order__status__in": UNSOLD_ORDER_STATUSES})
        & ~Q(**{f"{prefix}fulfilment__status": "cancelled"})
    )


class OrderLineQuerySet(models.QuerySet):
    def paid(self):
        return self.filter(paid_line_q())

    def sales_totals(self, *, since) -> dict:
        """{"total": …, "month": …} of these lines' paid sales, `month` counting from `since`."""
        paid = paid_line_q()
        return self.aggregate(
            total=Sum("line_total", filter=paid),
            month=Sum("line_total", filter=paid & Q(order__created_at__date__gte=since)),
        )

    def best_sellers(self, count: int = 5):
        """The paid lines' best-selling products by takings, with their unit."""
        return (
            self.paid()
            .values("title", "unit")
            .annotate(quantity=Sum("quantity"), total=Sum("line_total"))
            .order_by("-total", "title")[:count]
        )


def group_sales(group_ids, *, since):
    """Producer groups with paid sales: `total`, `month` (since `since`) and `orders` annotated."""
    lines = "fulfilments__lines__"
    paid = paid_line_q(lines)
    return (
        Group.objects.filter(pk__in=group_ids)
        .annotate(
            total=Sum(f"{lines}line_total", filter=paid),
            month=Sum(f"{lines}line_total", filter=paid & Q(**{f"{lines}order__created_at__date__gte": since})),
            orders=Count(f"{lines}order", distinct=True, filter=paid),
        )
        .filter(total__isnull=False)
        .order_by("name_km")
    )


class QuoteQuerySet(models.QuerySet):
    def for_groups(self, group_ids):
        return self.filter(group_id__in=group_ids)

    def for_user(self, user):
        """The quotes a signed-in trader asked for (anonymous: none)."""
        if not user or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def open(self):
        return self.filter(status__in=("requested", "offered"))

    def offers_past_validity(self, now):
        return self.filter(status="offered", valid_until__lte=now)

    def with_related(self):
        """What a list or detail page shows, in one query."""
        return self.select_related("product", "category", "category__parent", "group", "delivery_commune", "order")
