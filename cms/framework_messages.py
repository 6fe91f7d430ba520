"""Django's and Wagtail's own messages that the public site shows (field validation, Wagtail's
image-upload help), listed here so that `make messages` puts them in the project's Khmer catalog:
Django ships them untranslated for Khmer and Wagtail ships no Khmer at all. The project's catalog
(LOCALE_PATHS) is consulted before Django's and Wagtail's, so these translations win."""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    # django.core.validators and django.forms.fields
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    # wagtail.images.fields
    gettext_noop("Supported formats: %(supported_formats)s. Maximum filesize: %(max_upload_size)s."),
    gettext_noop("Supported formats: %(supported_formats)s."),
    gettext_noop("Not a supported image format. Supported formats: %(supported_formats)s."),
    gettext_noop("This file is too big (%(file_size)s). Maximum filesize %(max_filesize)s."),
    gettext_noop("This file is too big. Maximum filesize %(max_filesize)s."),
]

PLURAL_MESSAGES = [
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
]
