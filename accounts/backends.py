from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import phone as phones


def accounts_named_by(identifier: str):
    """The accounts an identifier typed at sign-in names: by username, email or phone (one home,
    shared with the lockout count in accounts/throttling.py)."""
    User = get_user_model()
    identifier = identifier.strip()
    candidates = User.objects.filter(username__iexact=identifier)
    if "@" in identifier:
        candidates = User.objects.filter(email__iexact=identifier) | candidates
    phone = phones.normalise(identifier)
    if phone:
        candidates = User.objects.filter(phone=phone) | candidates
    return candidates.distinct()


class EmailOrPhoneBackend(ModelBackend):
    """Lets people sign in with their username, email address or phone number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        User = get_user_model()
        matches = list(accounts_named_by(username)[:2])
        if len(matches) != 1:
            # Unknown or ambiguous: run the hasher anyway so timing does not reveal which.
            User().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
