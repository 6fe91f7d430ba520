from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import health
from cms import views as cms_views
from marketplace.payments.views import stripe_webhook
from notifications.views import telegram_webhook

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    # Normally answered by cms.health.HealthCheckMiddleware before routing; kept for reverse().
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", cms_views.favicon, name="favicon"),
    # Outside the language prefix: Stripe posts here.
    path("payments/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    # Outside the language prefix: Telegram posts bot updates here.
    path("notifications/telegram/webhook/", telegram_webhook, name="telegram_webhook"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Everything public is language-prefixed (/km/, /en/); Khmer is the default.
urlpatterns += i18n_patterns(
    path("search/", cms_views.search, name="search"),
    path("accounts/", include("accounts.urls")),
    path("", include("networks.urls")),
    path("", include("marketplace.urls")),
    path("", include("marketplace.payments.urls")),
    path("", include("training.urls")),
    path("", include("notifications.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "cms.input_guard.bad_request"
handler403 = "cms.views.permission_denied"
handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"
