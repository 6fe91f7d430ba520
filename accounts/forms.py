from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    # Django's message names the field by its label ("Please enter a correct %(username)s…"),
    # which comes out half English; ours is whole in each language.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The phone, email or username and password do not match. Please try again."),
        "inactive": _("This account is not active."),
    }

    username = forms.CharField(
        label=_("Phone, email or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
