"""Wagtail admin screens for the registry, one module per screen, grouped in one "Networks"
menu: members (members.py), networks, groups and meetings (groups.py), the statistics report
(statistics.py) and the geography tables with the village chooser (geography.py)."""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from .geography import CommuneViewSet, DistrictViewSet, ProvinceViewSet, VillageChooserViewSet, VillageViewSet
from .groups import GroupViewSet, MeetingViewSet, NetworkViewSet
from .members import MemberViewSet
from .pickups import CollectionPointViewSet
from .statistics import StatisticsViewSet


class NetworksViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Networks")
    menu_icon = "group"
    menu_order = 300
    items = (
        MemberViewSet("networks_member", url_prefix="networks/members"),
        GroupViewSet("networks_group", url_prefix="networks/groups"),
        CollectionPointViewSet("networks_collectionpoint", url_prefix="networks/collection-points"),
        NetworkViewSet("networks_network", url_prefix="networks/networks"),
        MeetingViewSet("networks_meeting", url_prefix="networks/meetings"),
        StatisticsViewSet(),
        ProvinceViewSet("networks_province", url_prefix="networks/provinces"),
        DistrictViewSet("networks_district", url_prefix="networks/districts"),
        CommuneViewSet("networks_commune", url_prefix="networks/communes"),
        VillageViewSet("networks_village", url_prefix="networks/villages"),
    )


__all__ = ["NetworksViewSetGroup", "VillageChooserViewSet"]
