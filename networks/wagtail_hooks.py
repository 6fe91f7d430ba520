from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from . import audit
from .services import LOG_ANONYMISE, LOG_EXPORT, LOG_IMPORT, LOG_VIEW
from .viewsets import NetworksViewSetGroup, VillageChooserViewSet


@hooks.register("register_admin_viewset")
def register_networks_admin():
    return [NetworksViewSetGroup(), VillageChooserViewSet("networks_village_chooser")]


@hooks.register("register_log_actions", order=100)  # after Wagtail's own registrations
def register_log_actions(actions):
    from django.db import models
    from django.utils.translation import gettext_lazy as _
    from wagtail.models import ModelLogEntry

    from .models import RegistryAwareLogEntry

    # Every non-page model logs through the registry-aware proxy (same table as ModelLogEntry),
    # so the site history, its exports and object histories hide what a user may not see.
    actions.register_model(models.Model, RegistryAwareLogEntry)
    actions.log_entry_models.discard(ModelLogEntry)

    actions.register_action(LOG_VIEW, _("View protected member"), _("Viewed a protected member"))
    actions.register_action(LOG_EXPORT, _("Export protected member"), _("Exported a protected member"))
    actions.register_action(LOG_IMPORT, _("Import protected member"), _("Imported a protected member"))
    actions.register_action(LOG_ANONYMISE, _("Anonymise member"), _("Anonymised the member"))
    # What someone did for a member (listed her goods, recorded a contribution…): networks.audit.
    audit.register(actions)


@hooks.register("sahakum_home_sections")
def network_figures_section(request):
    from .views import home_figures_context

    context = home_figures_context()
    if not context["items"]:
        return ""
    return render_to_string("networks/includes/home_figures.html", context, request=request)


@hooks.register("insert_global_admin_css")
def khmer_admin_font():
    """Registry staff read Khmer names in the admin: use the site's self-hosted Khmer font for
    Khmer characters only (unicode-range), ahead of Wagtail's system font stack."""
    return format_html(
        "<style>"
        '@font-face{{font-family:"Sahakum Khmer";font-weight:400;font-display:swap;src:url("{}") format("woff2");'
        "unicode-range:U+1780-17FF,U+19E0-19FF,U+200C-200D,U+25CC}}"
        '@font-face{{font-family:"Sahakum Khmer";font-weight:700;font-display:swap;src:url("{}") format("woff2");'
        "unicode-range:U+1780-17FF,U+19E0-19FF,U+200C-200D,U+25CC}}"
        ':root{{--w-font-sans:"Sahakum Khmer",-apple-system,BlinkMacSystemFont,"Segoe UI",system-ui,Roboto,'
        '"Helvetica Neue",Arial,sans-serif}}'
        "</style>",
        static("fonts/noto-sans-khmer-khmer-400-normal.woff2"),
        static("fonts/noto-sans-khmer-khmer-700-normal.woff2"),
    )
