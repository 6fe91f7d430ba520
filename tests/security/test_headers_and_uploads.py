"""Third parties and headers: no Gravatar in the admin; X-Frame-Options and CSP frame-ancestors
say the same; uploaded images are stored re-encoded."""

import json
import os
import subprocess
import sys
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories.marketplace import png_bytes

PAYLOAD = b"<script>alert(document.cookie)</script>"


def _png_with_script() -> bytes:
    return png_bytes(size=(64, 48)) + PAYLOAD


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (13.0, 21.0, 40.0), 3: "E", 4: (103.0, 51.0, 30.0)}  # GPS IFD
    output = BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True, email="root@example.org"))
    return client


@pytest.mark.django_db
def test_the_admin_loads_no_avatar_from_gravatar(admin_client):
    for path in ("/admin/", "/admin/account/"):
        content = admin_client.get(path, follow=True).content.decode()
        assert "gravatar" not in content.lower(), path


def _agree(x_frame_options: str, frame_ancestors: list[str]) -> bool:
    return {"DENY": ["'none'"], "SAMEORIGIN": ["'self'"]}[x_frame_options.upper()] == frame_ancestors


@pytest.mark.django_db
def test_framing_headers_agree_on_the_public_site(client, site_pages):
    response = client.get("/km/")
    assert response["X-Frame-Options"] == "DENY"
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert directives["frame-ancestors"] == "'none'"


def test_framing_settings_agree_in_production():
    """Production settings, loaded in their own process (they read the environment at import)."""
    env = {
        **os.environ,
        "SECRET_KEY": "test-production-import",
        "ALLOWED_HOSTS": "sahakum.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "WAGTAILADMIN_BASE_URL": "https://sahakum.example",
        "DEFAULT_FROM_EMAIL": "Sahakum <no-reply@sahakum.example>",
        "SAHAKUM_ENV_FILE": "",
    }
    code = (
        "import json, cms.settings.production as p; print(json.dumps([p.X_FRAME_OPTIONS, "
        "p.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'], p.WAGTAIL_GRAVATAR_PROVIDER_URL]))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    x_frame_options, frame_ancestors, gravatar = json.loads(result.stdout.strip().splitlines()[-1])
    assert _agree(x_frame_options, frame_ancestors)
    assert gravatar is None


def _stored_bytes(image) -> bytes:
    with image.file.open("rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_an_admin_upload_is_stored_re_encoded(admin_client):
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    upload = SimpleUploadedFile("photo.png", _png_with_script(), content_type="image/png")
    response = admin_client.post(
        "/admin/images/add/", {"title": "Rice field", "file": upload, "collection": Collection.get_first_root_node().pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = _stored_bytes(get_image_model().objects.get(title="Rice field"))
    assert PAYLOAD not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")  # nothing after the PNG's last chunk
    assert Image.open(BytesIO(stored)).size == (64, 48)


@pytest.mark.django_db
def test_a_product_photo_is_stored_re_encoded_without_its_location(admin_client):
    from marketplace.forms import ShopProductForm

    field = ShopProductForm.base_fields["photo"]
    cleaned = field.clean(SimpleUploadedFile("p.png", _png_with_script(), content_type="image/png"))
    assert PAYLOAD not in cleaned.read()
    cleaned = field.clean(SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg"))
    stored = cleaned.read()
    assert b"PhoneMaker" not in stored
    assert not Image.open(BytesIO(stored)).getexif().get_ifd(0x8825)


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused(admin_client):
    from django.core.exceptions import ValidationError

    from marketplace.forms import ShopProductForm

    with pytest.raises(ValidationError):
        ShopProductForm.base_fields["photo"].clean(
            SimpleUploadedFile("p.png", b"<html>" + PAYLOAD, content_type="image/png")
        )
