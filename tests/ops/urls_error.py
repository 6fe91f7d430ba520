"""A URLconf with one view that fails, for the error-mail test."""

from django.urls import path


def explode(request):
    raise RuntimeError("boom from the error-mail test")


urlpatterns = [path("explode/", explode)]
