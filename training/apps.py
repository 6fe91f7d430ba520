from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        # Before any view asks the registry (Wagtail would otherwise create a fallback policy).
        from .permissions import register_policies

        register_policies()
