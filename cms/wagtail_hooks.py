from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import outbox_views


@hooks.register("register_admin_urls")
def register_failed_emails_urls():
    return [
        path("reports/failed-emails/", outbox_views.FailedEmailsReport.as_view(), name="sahakum_failed_emails"),
        path(
            "reports/failed-emails/results/",
            outbox_views.FailedEmailsReport.as_view(results_only=True),
            name="sahakum_failed_emails_results",
        ),
        path("reports/failed-emails/resend/", outbox_views.resend_failed_emails, name="sahakum_failed_emails_resend"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_reports_menu_item")
def register_failed_emails_menu_item():
    return SuperuserMenuItem(
        _("Failed emails"), reverse("sahakum_failed_emails"), name="failed-emails", icon_name="mail", order=900
    )
