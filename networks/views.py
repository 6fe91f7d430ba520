"""Public reads of the registry: aggregates only, through networks.disclosure (small and
complementary cells suppressed). No view here shows a person."""

from wagtail.models import Locale

from .disclosure import public_network_figures


def home_figures_context() -> dict:
    from cms.models import NetworkPage

    pages = {
        page.network_id: page
        for page in NetworkPage.objects.live().public().filter(locale=Locale.get_active(), network__isnull=False)
    }
    items = [
        {
            "label": figures["label"],
            "page": pages.get(network_id),
            "members": figures["members"],
            "groups": figures["groups"],
        }
        for network_id, figures in public_network_figures().items()
    ]
    return {"items": items}
