"""Public reads of the registry: aggregates only, small cells suppressed. No view here shows a
person."""

from wagtail.models import Locale

from .selectors import statistics_by_network, suppress


def home_figures_context() -> dict:
    from cms.models import NetworkPage

    pages = {
        page.network_id: page
        for page in NetworkPage.objects.live().public().filter(locale=Locale.get_active(), network__isnull=False)
    }
    items = [
        {
            "label": figures.label,
            "page": pages.get(figures.key.pk),
            "members": suppress(figures.members),
            "groups": figures.groups,
        }
        for figures in statistics_by_network()
    ]
    return {"items": items}
