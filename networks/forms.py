from django import forms
from django.utils.translation import gettext_lazy as _

from .models import minor_refusal
from .services import IMPORT_MAX_BYTES


class AdultMemberChoiceField(forms.ModelChoiceField):
    """Picks a producer, contributor or payee: lists only the adults of `queryset` (the members
    this user may act for), and answers a minor of that scope with the clear reason rather than
    "not a valid choice". Every market form that picks such a member uses it."""

    def __init__(self, queryset, **kwargs):
        self.scope = queryset
        super().__init__(queryset.adults(), **kwargs)

    @classmethod
    def replacing(cls, field: forms.ModelChoiceField, queryset):
        """The same field (label, help text, widget, required) limited to adults of `queryset`."""
        return cls(
            queryset,
            label=field.label,
            help_text=field.help_text,
            required=field.required,
            widget=field.widget,
            empty_label=field.empty_label,
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            key = self.to_field_name or "pk"
            try:
                member = self.scope.filter(**{key: value}).first()
            except (ValueError, TypeError):
                member = None
            if member is not None and member.is_minor:
                raise forms.ValidationError(minor_refusal(), code="minor") from None
            raise


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with the template's columns, at most 5 MB. One bad row and nothing is imported."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files."), params={"size": 5}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the names, date of birth, phone, village and notes are erased for good."),
        required=True,
    )
