"""Marketplace data: categories, products (with photos), orders split into one fulfilment per
producer group, and trader quotes.

Rules about one record (allowed status changes, whole units, totals) live here; workflows that
touch stock or several records live in services.py; shared reads in querysets.py."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page

from cms.bilingual import in_language
from cms.codes import secret_token, token_matches
from cms.khmer import segment
from cms.routing import page_view
from networks.models import format_hours, format_pickup_date, minor_refusal

from . import money
from .exceptions import InvalidTransition
from .payments.methods import PAID_ON_HANDOVER, Method
from .querysets import FulfilmentQuerySet, OrderLineQuerySet, OrderQuerySet, ProductQuerySet, QuoteQuerySet

ZERO = Decimal("0")


class MarketPage(RoutablePageMixin, Page):
    """The product catalog's place in the page tree: editors write the intro; the catalog,
    product pages, cart and checkout are routes of this page (views live in views.py)."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("market page")

    # Routes name their views by dotted path (cms.routing): models never import views.
    catalog = path("", name="catalog")(page_view("marketplace.views.catalog"))
    product = path("p/<int:product_id>-<slug:slug>/", name="product")(
        path("p/<int:product_id>/", name="product_without_slug")(page_view("marketplace.views.product_detail"))
    )
    request_quote = path("p/<int:product_id>/quote/", name="request_quote")(
        page_view("marketplace.views.product_quote_request")
    )
    cart = path("cart/", name="cart")(page_view("marketplace.views.cart_view"))
    cart_add = path("cart/add/", name="cart_add")(page_view("marketplace.views.cart_add"))
    checkout = path("checkout/", name="checkout")(page_view("marketplace.views.checkout"))

    def route_url(self, name: str, **kwargs) -> str:
        """The address of one of this page's routes, in the page's language (`{% routablepageurl %}`
        in templates)."""
        return self.url + self.reverse_subpage(name, kwargs=kwargs or None)

    def product_url(self, product) -> str:
        return self.route_url("product", product_id=product.pk, slug=product.slug)


class Category(models.Model):
    """A product category; at most two levels (e.g. Vegetables › Leafy greens)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name_km = models.CharField(_("name (Khmer)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name_en"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_km, self.name_en)

    def clean(self):
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own parent.")})
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Categories have at most two levels.")})
            if self.pk and self.children.exists():
                raise ValidationError({"parent": _("A category with subcategories cannot have a parent.")})


class Unit(models.TextChoices):
    KG = "kg", _("kilogram")
    PIECE = "piece", _("piece")
    BUNDLE = "bundle", _("bundle")
    METRE = "metre", _("metre")
    LITRE = "litre", _("litre")
    BOTTLE = "bottle", _("bottle")
    PACK = "pack", _("pack")
    SACK = "sack", _("sack (50 kg)")
    BIRD = "bird", _("bird")
    DOZEN = "dozen", _("dozen")


# Units that may be sold in fractions (0.5 kg of pepper); everything else is counted whole.
FRACTIONAL_UNITS = {Unit.KG, Unit.METRE, Unit.LITRE}


class Product(ClusterableModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Pending review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # The button a producer presses in My shop to move a product to each status.
    PRODUCER_ACTIONS = {
        Status.PENDING_REVIEW: ("submit", _("Submit for review")),
        Status.DRAFT: ("withdraw", _("Back to draft")),
        Status.ARCHIVED: ("archive", _("Stop selling")),
    }
    # Who may move a product where: producers submit; staff publish or send back.
    PRODUCER_TRANSITIONS = {
        Status.DRAFT: {Status.PENDING_REVIEW, Status.ARCHIVED},
        Status.PENDING_REVIEW: {Status.DRAFT},
        Status.PUBLISHED: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.DRAFT},
    }
    STAFF_TRANSITIONS = {
        Status.DRAFT: {Status.PENDING_REVIEW, Status.PUBLISHED, Status.ARCHIVED},
        Status.PENDING_REVIEW: {Status.PUBLISHED, Status.DRAFT, Status.ARCHIVED},
        Status.PUBLISHED: {Status.ARCHIVED, Status.DRAFT},
        Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
    }

    producer = models.ForeignKey(
        "networks.Member", on_delete=models.PROTECT, related_name="products", verbose_name=_("producer")
    )
    group = models.ForeignKey(
        "networks.Group", on_delete=models.PROTECT, related_name="products", verbose_name=_("producer group")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    title_km = models.CharField(_("title (Khmer)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    description_km = models.TextField(_("description (Khmer)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KG)
    price = models.DecimalField(
        _("price per unit"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    stock = models.DecimalField(
        _("stock"), max_digits=12, decimal_places=3, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    minimum_order = models.DecimalField(
        _("minimum order"),
        max_digits=12,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    available_from = models.DateField(
        _("available from"), null=True, blank=True, help_text=_("For a coming harvest: the first day it can be sold.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Khmer words separated by spaces, plus the English text, lower-cased: what keyword search
    # matches (Khmer has no spaces between words; see cms.khmer).
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ProductQuerySet.as_manager()
    # Admin panels and form: viewsets.ProductViewSet.

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="marketplace_product_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="marketplace_product_price_positive"),
        ]
        indexes = [models.Index(fields=["status", "-created_at", "-id"]), models.Index(fields=["status", "price"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_km, self.title_en)

    @property
    def description(self) -> str:
        return in_language(self.description_km, self.description_en)

    @property
    def slug(self) -> str:
        return slugify(self.title_en or "", allow_unicode=False)[:60] or "product"

    @property
    def whole_units_only(self) -> bool:
        return self.unit not in FRACTIONAL_UNITS

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def available_later(self) -> bool:
        return bool(self.available_from and self.available_from > timezone.localdate())

    @property
    def in_stock(self) -> bool:
        return self.stock >= self.minimum_order and self.stock > 0

    def build_search_text(self) -> str:
        parts = [self.title_km, self.title_en, self.description_km, self.description_en]
        return segment(" ".join(part for part in parts if part)).lower()

    def save(self, *args, **kwargs):
        # A derived column, not a side effect: keeps keyword search in step with the titles.
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title_km", "title_en", "description_km", "description_en"} & set(
            update_fields
        ):
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Whole-unit checks go with the field they concern, so a form without that field
        # (My shop's edit form has no stock) still validates cleanly.
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        exclude = set(exclude or ())
        if self.whole_units_only:
            for name in ("stock", "minimum_order"):
                value = getattr(self, name)
                if name in exclude or name in errors or value is None:
                    continue
                if value != value.to_integral_value():
                    errors[name] = [_("This unit is sold whole: enter a whole number.")]
            if "stock" in exclude and "unit" not in exclude and self.stock is not None:
                if self.stock != self.stock.to_integral_value():
                    errors["unit"] = [_("The stock is not a whole number; set the stock first.")]
        if errors:
            raise ValidationError(errors)

    def clean(self):
        errors = {}
        if self.producer_id and self.producer.is_minor:
            errors["producer"] = minor_refusal()
        elif self.group_id and self.producer_id:
            if not self.producer.memberships.filter(group_id=self.group_id, left__isnull=True).exists():
                errors["producer"] = _("The producer is not an active member of this group.")
        if errors:
            raise ValidationError(errors)

    def can_move_to(self, new_status: str, *, staff: bool) -> bool:
        table = self.STAFF_TRANSITIONS if staff else self.PRODUCER_TRANSITIONS
        return new_status in table.get(self.status, set())

    def producer_actions(self) -> list[tuple[str, str]]:
        """(action, label) of each move PRODUCER_TRANSITIONS allows from the current status."""
        return [action for status, action in self.PRODUCER_ACTIONS.items() if self.can_move_to(status, staff=False)]

    def set_status(self, new_status: str, *, staff: bool) -> None:
        if not self.can_move_to(new_status, staff=staff):
            raise InvalidTransition(self.status, new_status)
        self.status = new_status
        if new_status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()


class ProductPhoto(Orderable):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CONFIRMED = "confirmed", _("Confirmed")
        READY = "ready", _("Ready")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    TRANSITIONS = {
        # → confirmed: the buyer switched an unpaid order to cash (paid when the goods change hands).
        Status.PENDING_PAYMENT: {Status.PAID, Status.CONFIRMED, Status.CANCELLED},
        Status.PAID: {Status.CONFIRMED, Status.READY, Status.CANCELLED, Status.REFUNDED},
        Status.CONFIRMED: {Status.PAID, Status.READY, Status.CANCELLED},
        Status.READY: {Status.DELIVERED},
        Status.DELIVERED: {Status.COMPLETED},
        Status.COMPLETED: set(),
        Status.CANCELLED: {Status.REFUNDED},
        Status.REFUNDED: set(),
    }
    # Statuses in which the groups may prepare and hand over their parts.
    FULFILLABLE_STATUSES = (Status.PAID, Status.CONFIRMED, Status.READY)
    # Statuses whose order still holds stock (released on cancel or expiry).
    OPEN_STATUSES = {Status.PENDING_PAYMENT, Status.PAID, Status.CONFIRMED}

    class DeliveryMethod(models.TextChoices):
        PICKUP = "pickup", _("Pick up at the group's collection point")
        DELIVERY = "delivery", _("Delivery to my address")

    # The methods are defined once, in marketplace.payments.methods.
    PaymentMethod = Method

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    access_token = models.CharField(max_length=64, editable=False, default="")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_orders",
        verbose_name=_("buyer account"),
    )
    buyer_name = models.CharField(_("name"), max_length=120)
    buyer_phone = models.CharField(_("phone"), max_length=20)
    buyer_email = models.EmailField(_("email"), blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=10, choices=DeliveryMethod.choices)
    delivery_address = models.TextField(_("delivery address"), blank=True)
    payment_method = models.CharField(_("payment method"), max_length=30, choices=PaymentMethod.choices)
    currency = models.CharField(_("currency"), max_length=3)
    # The language the buyer ordered in: emails and their links go to her in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="km")
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=ZERO)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("unpaid order expires at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("placed"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self.access_token:
            self.access_token = secret_token()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.token_url("marketplace:order_detail")

    def token_url(self, view_name: str = "marketplace:order_detail") -> str:
        """The one place that builds a link to one of the buyer's order pages (order, receipt,
        payment pages): the token in the address is what proves the order is hers."""
        url = reverse(view_name, kwargs={"reference": self.reference})
        return f"{url}?token={self.access_token}"

    def get_receipt_url(self) -> str:
        return self.token_url("payments:receipt")

    def token_matches(self, token: str | None) -> bool:
        return token_matches(token, self.access_token)

    def can_move_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, set())

    def set_status(self, new_status: str) -> None:
        """Move to a new status; raise InvalidTransition where the workflow does not allow it.
        The caller saves (inside its transaction)."""
        if not self.can_move_to(new_status):
            raise InvalidTransition(self.status, new_status)
        self.status = new_status

    @property
    def holds_stock(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_paid_on_handover(self) -> bool:
        """Cash on delivery or at pickup: confirmed at checkout, each group collects its part."""
        return self.payment_method in PAID_ON_HANDOVER


class Fulfilment(models.Model):
    """One producer group's part of an order."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        READY = "ready", _("Ready")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.NEW: {Status.READY, Status.CANCELLED},
        Status.READY: {Status.DELIVERED, Status.CANCELLED},
        Status.DELIVERED: set(),
        Status.CANCELLED: set(),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfilments")
    group = models.ForeignKey(
        "networks.Group", on_delete=models.PROTECT, related_name="fulfilments", verbose_name=_("producer group")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2, default=ZERO)
    pickup_on = models.DateField(
        _("pickup day"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The day the buyer collects this part (pickup orders of a group with pickup slots)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FulfilmentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        constraints = [models.UniqueConstraint(fields=["order", "group"], name="marketplace_one_fulfilment_per_group")]

    def __str__(self) -> str:
        return f"{self.order.reference} · {self.group}"

    def pickup_hours(self) -> str:
        """The collection point's hours on this part's pickup day ("07:00–11:00"), or ""."""
        point = self.group.pickup_point
        if point is None or self.pickup_on is None:
            return ""
        return format_hours(point.hours_on(self.pickup_on))

    def pickup_label(self) -> str:
        """This part's pickup day and hours in the active language ("Saturday 5 December 2026,
        07:00–11:00"), or "" (delivery, or pickup by arrangement)."""
        point = self.group.pickup_point
        if point is None or self.pickup_on is None:
            return ""
        return f"{format_pickup_date(self.pickup_on)}, {format_hours(point.hours_on(self.pickup_on))}"

    def can_move_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, set())

    def set_status(self, new_status: str) -> None:
        if not self.can_move_to(new_status):
            raise InvalidTransition(self.status, new_status)
        self.status = new_status


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    # Copied when the order is placed: later edits to the product never change an order.
    title = models.CharField(_("title"), max_length=150)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)

    objects = OrderLineQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="marketplace_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity.normalize():f}"


class Quote(models.Model):
    """A trader asks a producer group for a quote (a product, or a category and a group; a
    quantity, a target price, where and by when); the group offers a unit price, a quantity and a
    validity, or declines; the trader accepts and the offer becomes an order at the quoted price
    (services.quote_accept). Once called `Inquiry`: old inquiries are requests (see docs)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the group's offer")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined by the group")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    TRANSITIONS = {
        # offered → offered: the group revises its offer while the trader has not answered.
        Status.REQUESTED: {Status.OFFERED, Status.DECLINED, Status.WITHDRAWN},
        Status.OFFERED: {Status.OFFERED, Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
        Status.EXPIRED: set(),
    }
    # Statuses in which the quote still waits for someone.
    OPEN_STATUSES = (Status.REQUESTED, Status.OFFERED)

    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("product"),
        help_text=_("The product asked about, or the one the group offers for a category request."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("category"),
    )
    group = models.ForeignKey(
        "networks.Group", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("producer group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_quotes",
        verbose_name=_("trader account"),
    )
    access_token = models.CharField(max_length=64, editable=False, default="")
    # The request.
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    quantity = models.DecimalField(
        _("quantity wanted"), max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    target_price = models.DecimalField(
        _("target price per unit"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    delivery_commune = models.ForeignKey(
        "networks.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery commune"),
        help_text=_("Leave empty to collect at the group's collection point."),
    )
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    # The group's answer.
    unit_price = models.DecimalField(
        _("quoted unit price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    offered_quantity = models.DecimalField(
        _("quantity offered"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    reply = models.TextField(_("note from the group"), max_length=2000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("answered"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    order = models.OneToOneField(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote",
        verbose_name=_("order"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(order__isnull=False),
                name="marketplace_accepted_quote_has_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered")
                | models.Q(unit_price__isnull=False, offered_quantity__isnull=False, valid_until__isnull=False),
                name="marketplace_offered_quote_has_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.subject}"

    def save(self, *args, **kwargs):
        if not self.access_token:
            self.access_token = secret_token()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.token_url()

    @property
    def subject(self) -> str:
        """What is asked for: the product, else the category."""
        if self.product_id:
            return self.product.title
        if self.category_id:
            return self.category.name
        return str(self.group)

    def token_url(self) -> str:
        """The trader's link to her quote: the token proves it is hers (she may have no account)."""
        url = reverse("marketplace:quote_detail", kwargs={"pk": self.pk})
        return f"{url}?token={self.access_token}"

    def token_matches(self, token: str | None) -> bool:
        return token_matches(token, self.access_token)

    def can_move_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, set())

    def set_status(self, new_status: str) -> None:
        """Move to a new status; raise InvalidTransition where the workflow does not allow it."""
        if not self.can_move_to(new_status):
            raise InvalidTransition(self.status, new_status)
        self.status = new_status

    def is_past_validity(self, now=None) -> bool:
        return bool(self.valid_until and self.valid_until <= (now or timezone.now()))

    @property
    def current_status(self) -> str:
        """The status as the trader should see it now: an offer past its validity is expired
        even before the expiry job has run."""
        if self.status == self.Status.OFFERED and self.is_past_validity():
            return self.Status.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status).label

    @property
    def can_be_accepted(self) -> bool:
        return self.current_status == self.Status.OFFERED

    @property
    def can_be_withdrawn(self) -> bool:
        return self.current_status in self.OPEN_STATUSES

    @property
    def can_be_answered(self) -> bool:
        """The group may still make (or revise) an offer, or decline."""
        return self.current_status in self.OPEN_STATUSES

    @property
    def offer_total(self) -> Decimal | None:
        if self.unit_price is None or self.offered_quantity is None:
            return None
        return money.line_total(self.unit_price, self.offered_quantity)
