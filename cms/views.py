from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Locale, Page

from .input_guard import search_words
from .khmer import khmer_query_words, segment

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGES = 200


def search(request):
    """Site search across pages in the current language, plus whatever other apps register
    with the `sahakum_search_results` hook (products, courses; each gets the query as typed).
    Khmer: the segmented words, or — for words inside compounds the segmenter splits wrongly —
    each typed word as a prefix of the pages' Khmer infixes (cms.khmer.khmer_infixes).
    Personal data is never searchable here."""
    query = search_words(request.GET.get("q"))
    page_results = []
    extra_results = []
    if query:
        pages = Page.objects.live().public().filter(locale=Locale.get_active())
        page_results = list(pages.specific().search(segment(query), operator="and")[:SEARCH_MAX_PAGES])
        khmer_words = khmer_query_words(query)
        if khmer_words:
            found = {page.pk for page in page_results}
            for page in pages.specific().autocomplete(" ".join(khmer_words), operator="and")[:SEARCH_MAX_PAGES]:
                if page.pk not in found:
                    page_results.append(page)
                    found.add(page.pk)
        for hook in hooks.get_hooks("sahakum_search_results"):
            extra_results.extend(hook(request, query))
    paginator = Paginator(page_results, SEARCH_PAGE_SIZE)
    results_page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "cms/search.html",
        {
            "search_query": query,
            "results": results_page,
            "extra_results": extra_results,
            "page_title": _("Search"),
        },
    )


def favicon(request):
    return HttpResponsePermanentRedirect(static("favicon.ico"))


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the site's 403 page in the reader's language, not Django's bare one."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Deliberately context-free: the database may be what failed.
    return render(request, "500.html", status=500)
