"""Admin screen for the groups' collection points and their weekly pickup slots (one inline
list per point). The slot rule (closes after it opens, no overlap on one day) is the model's
`CollectionPoint.slot_problems`; this form only hands it the slots being saved."""

from types import SimpleNamespace

from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import CollectionPoint


def kept_slots(formset) -> list[SimpleNamespace]:
    """The slots a slot formset would save (deleted and empty rows left out)."""
    return [
        SimpleNamespace(**{name: form.cleaned_data.get(name) for name in ("weekday", "opens", "closes")})
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class CollectionPointForm(WagtailAdminModelForm):
    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        problems = CollectionPoint.slot_problems(kept_slots(self.formsets["slots"]))
        for problem in problems:
            self.add_error(None, problem)
        return not problems


class CollectionPointIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("group", "village")


class CollectionPointViewSet(ModelViewSet):
    model = CollectionPoint
    icon = "site"
    menu_label = gettext_lazy("Collection points")
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = CollectionPointIndexView
    list_display = ["group", "address", "village", "phone"]
    list_export = ["group", "address", "village", "phone"]
    edit_handler = ObjectList(
        [
            FieldPanel("group"),
            FieldPanel("village"),
            FieldPanel("address"),
            FieldPanel("phone"),
            InlinePanel("slots", heading=gettext_lazy("Weekly pickup slots"), label=gettext_lazy("Pickup slot")),
        ],
        base_form_class=CollectionPointForm,
    )
