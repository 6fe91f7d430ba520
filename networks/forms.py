from django import forms
from django.utils.translation import gettext_lazy as _

from .services import IMPORT_MAX_BYTES


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
