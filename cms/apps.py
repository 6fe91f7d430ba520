from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .cache import connect_receivers

        connect_receivers()
