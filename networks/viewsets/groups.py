"""Admin screens for networks, their groups and the groups' meetings."""

from django.utils.translation import gettext_lazy
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from ..filters import GroupFilterSet, MeetingFilterSet
from ..models import Group, Meeting, Network


class NetworkViewSet(ModelViewSet):
    model = Network
    icon = "group"
    menu_label = gettext_lazy("Networks")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name_km", "name_en", "slug", "founded", "is_sensitive"]
    list_export = ["name_km", "name_en", "slug", "founded", "is_sensitive"]
    form_fields = ["name_km", "name_en", "slug", "founded", "purpose_km", "purpose_en", "is_sensitive"]


class GroupIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("network", "village", "commune__district__province")


class GroupViewSet(ModelViewSet):
    model = Group
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Groups")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = GroupIndexView
    filterset_class = GroupFilterSet
    list_display = ["name_km", "name_en", "id", "network", "level", "village", "commune"]
    list_export = ["id", "name_km", "name_en", "network", "level", "village.code", "commune.code", "founded"]
    form_fields = ["network", "name_km", "name_en", "level", "village", "commune", "founded"]


class MeetingIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("group__network")


class MeetingViewSet(ModelViewSet):
    model = Meeting
    icon = "date"
    menu_label = gettext_lazy("Meetings")
    add_to_admin_menu = False
    inspect_view_enabled = True
    index_view_class = MeetingIndexView
    filterset_class = MeetingFilterSet
    list_display = ["group", "date", "topic", "attended_female", "attended_male", "attended_other"]
    list_export = ["group", "date", "topic", "attended_female", "attended_male", "attended_other"]
    form_fields = ["group", "date", "topic", "attended_female", "attended_male", "attended_other"]
