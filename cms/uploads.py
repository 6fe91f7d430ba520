"""Uploaded images are stored re-encoded, never as sent: the one home of that rule.

An upload is checked by Wagtail's WagtailImageField (a real image, allowed format, size, pixel
count), then decoded and written again with Pillow. What follows the image data (a PNG with a
script appended), metadata (EXIF, including a phone's GPS position of a producer's home) and
any other chunk are not carried over. The orientation the phone recorded is applied first, so
the photo still stands the right way up.

Used by the admin's image forms (WAGTAILIMAGES_IMAGE_FORM_BASE) and by the producer's product
photo field (marketplace/forms.py)."""

import os
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Formats written back as themselves; anything else Wagtail accepts becomes WebP.
KEPT_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {"optimize": True}, "GIF": {}}


def reencode(upload) -> SimpleUploadedFile:
    upload.seek(0)
    with Image.open(upload) as original:
        image_format = original.format if original.format in KEPT_FORMATS else "WEBP"
        animated = image_format in ("GIF", "WEBP") and getattr(original, "is_animated", False)
        output = BytesIO()
        if animated:
            original.save(output, format=image_format, save_all=True, **SAVE_OPTIONS[image_format])
        else:
            image = ImageOps.exif_transpose(original)
            if image_format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
            image.save(output, format=image_format, **SAVE_OPTIONS[image_format])
    stem = os.path.splitext(os.path.basename(upload.name or "image"))[0] or "image"
    return SimpleUploadedFile(
        f"{stem}.{KEPT_FORMATS.get(image_format, 'webp')}",
        output.getvalue(),
        content_type=Image.MIME.get(image_format, "application/octet-stream"),
    )


class ReencodedImageField(WagtailImageField):
    def to_python(self, data):
        checked = super().to_python(data)
        if checked is None:
            return None
        # Validate what will be stored, too (and give Wagtail its `.image` for the new bytes).
        return super().to_python(reencode(checked))


class ReencodedImageForm(BaseImageForm):
    """Wagtail's image form (add, edit, add multiple) with the re-encoding file field."""

    file = ReencodedImageField(label=_("File"))
