"""How page models reach the views that serve them without importing them.

A page model sits below views (views import models), so a route or context method on a page
names its view by dotted path, as a URLconf does, and the view is imported when the page is
served. import-linter's layers contract (see pyproject.toml) then holds: models import nothing
above them."""

from collections.abc import Callable

from django.utils.module_loading import import_string


def page_view(dotted_path: str) -> Callable:
    """A RoutablePageMixin handler (wrap it in `@path(..., name=...)`) that calls the view at
    `dotted_path` as `view(request, page, **route_kwargs)`."""

    def handler(page, request, *args, **kwargs):
        return import_string(dotted_path)(request, page, *args, **kwargs)

    handler.__name__ = handler.__qualname__ = dotted_path.rsplit(".", 1)[-1]
    handler.__doc__ = f"Served by {dotted_path}."
    return handler


def page_context(dotted_path: str, request, page) -> dict:
    """The extra template context that the view-layer function at `dotted_path` builds."""
    return import_string(dotted_path)(request, page)
