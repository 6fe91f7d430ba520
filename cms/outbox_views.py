"""Wagtail admin screens for emails that failed for good (Reports → Failed emails): the list,
and a confirmation page that queues them all again. Superusers only: the messages hold
buyers' and trainees' names and addresses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import HeaderButton

from .outbox import failed_emails, resend


def _require_superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def _describe(result):
    kwargs = result.args_kwargs.get("kwargs", {})
    result.recipients = ", ".join(kwargs.get("to", []))
    result.subject = kwargs.get("subject", "")
    lines = (result.traceback or "").strip().splitlines()
    result.error = lines[-1] if lines else result.exception_class_path
    return result


class FailedEmailsReport(ReportView):
    page_title = _("Failed emails")
    header_icon = "mail"
    index_url_name = "sahakum_failed_emails"
    index_results_url_name = "sahakum_failed_emails_results"
    columns = [
        DateColumn("finished_at", label=_("Last attempt")),
        Column("recipients", label=_("To")),
        Column("subject", label=_("Subject")),
        Column("error", label=_("Error")),
    ]
    list_export = ["finished_at", "recipients", "subject", "error"]

    def dispatch(self, request, *args, **kwargs):
        _require_superuser(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return failed_emails().order_by("-finished_at")

    def decorate_paginated_queryset(self, object_list):
        return [_describe(result) for result in object_list]

    def get_header_buttons(self):
        return [HeaderButton(_("Send all again"), url=reverse("sahakum_failed_emails_resend"), icon_name="redirect")]


def resend_failed_emails(request):
    _require_superuser(request)
    if request.method == "POST":
        results = list(failed_emails())
        for result in results:
            resend(result)
        messages.success(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", len(results))
            % {"count": len(results)},
        )
        return redirect("sahakum_failed_emails")
    return TemplateResponse(
        request,
        "cms/admin/failed_emails_resend.html",
        {"count": failed_emails().count(), "page_title": _("Failed emails")},
    )
