"""Thin views: read through querysets, write through services."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


catalog = product_detail = inquiry_create = cart_view = cart_add = checkout = order_detail = order_history = _todo
