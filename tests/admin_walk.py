"""Walk every admin URL of a viewset as one user (issue 11 #3).

`admin_urls(namespace, pk)` lists every URL name the viewset registers (index, results, add,
edit, delete, history, usage, inspect, copy, export, and the app's own views such as a roster),
with the object's primary key filled in, read from the URL resolver: a view added later is
walked too, and a new URL parameter fails the walk until the test says what to put there."""

import io

from django.urls import get_resolver, reverse

OBJECT_PAGES_DENIED = {302, 403, 404}


def admin_urls(namespace: str, pk, extra: dict | None = None) -> list[tuple[str, str, bool]]:
    """(name, url, is_about_the_object) for every URL of the viewset, plus CSV/XLSX exports."""
    extra = extra or {}
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    urls = []
    for pattern in resolver.url_patterns:
        params = set(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
        unknown = params - {"pk"} - set(extra)
        assert not unknown, f"{namespace}:{pattern.name} takes {sorted(unknown)}: give the walk a value"
        kwargs = {name: pk if name == "pk" else extra[name] for name in params}
        url = reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)
        urls.append((pattern.name, url, "pk" in params))
        if pattern.name == "index":
            urls.append(("export_csv", f"{url}?export=csv", False))
            urls.append(("export_xlsx", f"{url}?export=xlsx", False))
    return urls


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an XLSX export: read its cells
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    return content.decode("utf-8", "replace")


def snapshot(obj) -> dict:
    fresh = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    assert fresh is not None, f"{obj!r} was deleted"
    return fresh


def assert_cannot_reach(client, user, namespace: str, obj, markers: list[str], extra: dict | None = None) -> int:
    """GET and POST every URL of the viewset as `user`: no response shows the record's data,
    every page about the object is refused (403, 404, or Wagtail's redirect to the dashboard or
    sign-in), and the record is unchanged afterwards. Returns the number of requests made."""
    client.force_login(user)
    before = snapshot(obj)
    denied_redirects = (reverse("wagtailadmin_home"), reverse("wagtailadmin_login"))
    requests = 0
    for name, url, about_object in admin_urls(namespace, obj.pk, extra):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            requests += 1
            where = f"{user} {roles_of(user)} {method.upper()} {url} ({namespace}:{name})"
            text = text_of(response)
            for marker in markers:
                assert marker not in text, f"{where} shows {marker!r}"
            if about_object:
                assert response.status_code in OBJECT_PAGES_DENIED, f"{where} answered {response.status_code}"
                if response.status_code == 302:
                    assert response["Location"].startswith(denied_redirects), f"{where} → {response['Location']}"
    assert snapshot(obj) == before, f"{user} changed {obj!r}"
    return requests


STANDARD_VIEWS = ("index", "index_results", "edit", "delete", "history", "history_results", "usage", "inspect")


def assert_can_reach(client, user, namespace: str, obj, marker: str, views=STANDARD_VIEWS) -> None:
    """The allowed user gets 200 on the standard views of the object and its exports, and sees it listed."""
    client.force_login(user)
    urls = {name: url for name, url, _about in admin_urls(namespace, obj.pk, extra={"status": "x", "enrolment_pk": 0})}
    for name in views:
        if name not in urls:
            continue
        response = client.get(urls[name])
        assert response.status_code == 200, f"{user} GET {urls[name]} answered {response.status_code}"
    response = client.get(urls["index"])
    assert response.status_code == 200 and marker in text_of(response), f"{user} does not find it listed"
    for name in ("export_csv", "export_xlsx"):
        assert client.get(urls[name]).status_code == 200, f"{user} cannot export"


def roles_of(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))
