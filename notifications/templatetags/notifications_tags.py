from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def message_preferences_url(phone: str = "") -> str:
    """The signed-in person's preferences page, or (with a phone, on a page private to that
    person such as the enrolment page) the private preferences link of that phone number."""
    if phone:
        from notifications.views import preferences_url_for_phone

        return preferences_url_for_phone(phone)
    return reverse("notifications:preferences")
