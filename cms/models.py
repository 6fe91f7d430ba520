from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from .blocks import BodyBlock, ServiceBlock
from .khmer import contains_khmer, khmer_infixes, romanised_slug, segment


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details, hotlines and the exchange rate that staff keep up to date."""

    organisation_name = models.CharField(_("organisation name"), max_length=120, default="Sahakum")
    organisation_name_km = models.CharField(_("organisation name (Khmer)"), max_length=120, default="សហគមន៍")
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    address_km = models.TextField(_("address (Khmer)"), blank=True)
    hotline_label = models.CharField(
        _("hotline label"), max_length=120, blank=True, help_text=_("Shown on the Safe House page and footer.")
    )
    hotline_label_km = models.CharField(_("hotline label (Khmer)"), max_length=120, blank=True)
    hotline_number = models.CharField(_("hotline number"), max_length=30, blank=True)
    quick_exit_url = models.URLField(
        _("quick exit address"),
        default="https://www.google.com/search?q=weather",
        help_text=_("Where the 'leave this site quickly' button goes."),
    )
    khr_per_usd = models.DecimalField(
        _("riel per US dollar"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("4100"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("Used to show an approximate price in the other currency."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("organisation_name_km"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("address"),
                FieldPanel("address_km"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("hotline_label"),
                FieldPanel("hotline_label_km"),
                FieldPanel("hotline_number"),
                FieldPanel("quick_exit_url"),
            ],
            heading=_("Hotline and safety"),
        ),
        FieldPanel("khr_per_usd"),
    ]

    class Meta:
        verbose_name = _("site settings")

    def localized(self, field: str) -> str:
        """The Khmer text of a field (`<field>_km`) on Khmer pages, the other one elsewhere; Khmer
        pages fall back to English only when staff left the Khmer text empty."""
        from django.utils import translation

        if (translation.get_language() or "").startswith("km"):
            return getattr(self, f"{field}_km", "") or getattr(self, field)
        return getattr(self, field)

    @classmethod
    def for_request(cls, request):
        """Public pages read the settings from the fragment cache (purged when they are saved,
        cms/cache.py); the admin keeps reading the database through for_site()."""
        from .cache import fragment

        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            site = Site.find_for_request(request)
            if site is None:
                return super().for_request(request)
            instance = fragment(f"settings:{cls._meta.label_lower}:{site.pk}", (), lambda: cls.for_site(site))
            instance._request = request
            setattr(request, attr_name, instance)
        return getattr(request, attr_name)


class SegmentedSearchMixin:
    """Index Khmer text segmented into words, and every Khmer infix for words inside compounds
    that the segmenter splits wrongly (see cms.khmer)."""

    def search_parts(self) -> list[str]:
        parts = [self.title, getattr(self, "intro", "") or "", getattr(self, "search_description", "") or ""]
        body = getattr(self, "body", None)
        if body is not None and hasattr(body, "render_as_block"):
            parts.append(str(getattr(body, "raw_text", "") or ""))
            parts.extend(_stream_text(body))
        return [str(part) for part in parts if part]

    def search_text(self) -> str:
        return segment(" ".join(self.search_parts()))

    def khmer_infixes(self) -> str:
        return khmer_infixes(" ".join(self.search_parts()))


def _stream_text(stream) -> list[str]:
    texts = []
    for child in stream:
        value = child.value
        if hasattr(value, "source"):
            texts.append(value.source)
        elif isinstance(value, str):
            texts.append(value)
        elif hasattr(value, "get"):
            for key in ("text", "title", "description", "label"):
                item = value.get(key)
                if isinstance(item, str):
                    texts.append(item)
    return texts


class BasePage(SegmentedSearchMixin, Page):
    """Common search indexing and readable slugs for Sahakum's editorial pages."""

    search_fields = Page.search_fields + [index.SearchField("search_text"), index.AutocompleteField("khmer_infixes")]

    def _set_core_field_defaults(self):
        """A Khmer title gets a readable slug where none was chosen: Wagtail (and its admin
        form) would make one by dropping Khmer vowel signs and subscripts. The slug of the
        page's translation when there is one, else the romanised title (cms.khmer)."""
        if contains_khmer(self.title) and self.slug in ("", slugify(self.title, allow_unicode=True)):
            translated = (
                Page.objects.filter(translation_key=self.translation_key)
                .exclude(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
                if self.translation_key
                else None
            )
            base_slug = translated or romanised_slug(self.title)
            if base_slug:
                parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
                self.slug = self._get_autogenerated_slug(base_slug) if parent_is_known else base_slug
        super()._set_core_field_defaults()

    class Meta:
        abstract = True


class HomePage(BasePage):
    intro = models.TextField(_("intro"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    subpage_types = [
        "cms.StandardPage",
        "cms.NetworkIndexPage",
        "cms.SafeHousePage",
        "cms.ContactPage",
        "cms.NewsIndexPage",
        "training.CourseIndexPage",
        "marketplace.MarketPage",
    ]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Each app contributes its own section (featured products, upcoming sessions, network
        # figures) through the `sahakum_home_sections` hook: a callable(request) -> HTML.
        # Kept in the fragment cache until products, sessions or registry figures change
        # (cms/cache.py); the date is in the key, so "upcoming" turns over at midnight.
        from django.utils import timezone, translation

        from .cache import TAG_CATALOG, TAG_REGISTRY, TAG_SESSIONS, fragment

        context["home_sections"] = fragment(
            f"home-sections:{self.pk}:{translation.get_language()}:{timezone.localdate()}",
            (TAG_CATALOG, TAG_SESSIONS, TAG_REGISTRY),
            lambda: [section(request) for section in hooks.get_hooks("sahakum_home_sections")],
        )
        return context

    class Meta:
        verbose_name = _("home page")


class StandardPage(BasePage):
    intro = models.TextField(_("intro"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NetworkIndexPage(BasePage):
    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NetworkPage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["network_pages"] = self.get_children().live().specific()
        return context

    class Meta:
        verbose_name = _("network index page")


class NetworkPage(BasePage):
    intro = models.TextField(_("intro"), blank=True)
    founded = models.CharField(_("founded"), max_length=60, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    # The registry network whose live aggregates (never personal data) the page shows.
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pages",
        verbose_name=_("registry network"),
        help_text=_("The page shows this network's live figures (small numbers are hidden)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("founded"),
        FieldPanel("network"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NetworkIndexPage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.network_id:
            from networks.disclosure import public_figures

            context["network_figures"] = public_figures(self.network)
        return context

    class Meta:
        verbose_name = _("network page")


class SafeHousePage(BasePage):
    """The Safe House. Loads nothing from third parties and offers a quick exit."""

    intro = models.TextField(_("intro"), blank=True)
    services = StreamField([("service", ServiceBlock())], blank=True, verbose_name=_("services"))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("services"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Safe House page")


class NewsIndexPage(BasePage):
    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = NewsPage.objects.child_of(self).live().order_by("-date")
        return context

    class Meta:
        verbose_name = _("news index page")


class NewsPage(BasePage):
    date = models.DateField(_("date"))
    intro = models.TextField(_("intro"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(AbstractEmailForm):
    """Contact form (wagtail.contrib.forms). Submissions are stored and emailed to staff in
    the background."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=["bold", "italic", "link"])

    def serve(self, request, *args, **kwargs):
        # security: the contact form is an anonymous write, rate-limited like the others.
        from accounts.throttling import limit_writes

        return limit_writes(super().serve)(request, *args, **kwargs)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Email"),
        ),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    def send_mail(self, form):
        from .tasks import send_email

        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        send_email.enqueue(
            subject=self.subject or str(self.title),
            body=self.render_email(form),
            to=addresses,
            reply_to=[form.cleaned_data["email"]] if form.cleaned_data.get("email") else None,
        )

    class Meta:
        verbose_name = _("contact page")
