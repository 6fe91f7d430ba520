from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


dashboard = product_list = product_create = product_edit = product_stock = product_status = _todo
fulfilment_list = fulfilment_update = inquiry_list = inquiry_answer = _todo
