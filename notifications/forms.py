from django import forms

from .models import Contact


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["preference", "language"]
        widgets = {"preference": forms.RadioSelect, "language": forms.RadioSelect}
