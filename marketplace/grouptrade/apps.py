from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupTradeConfig(AppConfig):
    name = "marketplace.grouptrade"
    label = "grouptrade"
    verbose_name = _("Group trade")
