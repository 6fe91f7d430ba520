from django.middleware.locale import LocaleMiddleware
from django.utils import translation

ADMIN_PREFIXES = ("/admin/", "/documents/")


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the admin kept out of the public site's languages.

    - Wagtail ships no Khmer admin translation, so the admin runs in English as a whole rather
      than mixing English chrome with Khmer labels of our own models.
    - An admin 404 stays a 404: LocaleMiddleware would otherwise redirect it to /km/admin/…,
      because Wagtail's page route makes every prefixed path look valid."""

    def process_request(self, request):
        if request.path_info.startswith(ADMIN_PREFIXES):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
            return
        super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith(ADMIN_PREFIXES):
            return response
        return super().process_response(request, response)
