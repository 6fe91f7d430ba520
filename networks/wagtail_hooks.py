from django.template.loader import render_to_string
from wagtail import hooks

from .services import LOG_ANONYMISE, LOG_EXPORT, LOG_IMPORT, LOG_VIEW
from .viewsets import NetworksViewSetGroup, VillageChooserViewSet


@hooks.register("register_admin_viewset")
def register_networks_admin():
    return [NetworksViewSetGroup(), VillageChooserViewSet("networks_village_chooser")]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    from django.utils.translation import gettext_lazy as _

    actions.register_action(LOG_VIEW, _("View protected member"), _("Viewed a protected member"))
    actions.register_action(LOG_EXPORT, _("Export protected member"), _("Exported a protected member"))
    actions.register_action(LOG_IMPORT, _("Import protected member"), _("Imported a protected member"))
    actions.register_action(LOG_ANONYMISE, _("Anonymise member"), _("Anonymised the member"))


@hooks.register("sahakum_home_sections")
def network_figures_section(request):
    from .views import home_figures_context

    context = home_figures_context()
    if not context["items"]:
        return ""
    return render_to_string("networks/includes/home_figures.html", context, request=request)
