from django.utils import translation

ADMIN_PREFIXES = ("/admin/", "/documents/")


class AdminInEnglishMiddleware:
    """Wagtail ships no Khmer admin translation, so the admin runs in English as a whole rather
    than mixing English chrome with Khmer labels of our own models. Public pages keep their
    /km/ or /en/ language (LocaleMiddleware, which runs before this)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIXES):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)
