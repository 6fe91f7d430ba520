from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("market/orders/<str:reference>/pay/card/", views.card, name="card"),
    path("market/orders/<str:reference>/pay/card/submit/", views.card_pay, name="card_pay"),
    path("market/orders/<str:reference>/pay/card/return/", views.card_return, name="card_return"),
    path("market/orders/<str:reference>/pay/khqr/", views.khqr_page, name="khqr"),
    path("market/orders/<str:reference>/pay/khqr/qr.svg", views.khqr_image, name="khqr_image"),
    path("market/orders/<str:reference>/pay/khqr/check/", views.khqr_check, name="khqr_check"),
    path("market/orders/<str:reference>/pay/bank-transfer/", views.bank_transfer, name="bank_transfer"),
    path("market/orders/<str:reference>/receipt/", views.receipt, name="receipt"),
    path("market/orders/<str:reference>/pay/change/", views.change_method, name="change_method"),
    path("market/orders/<str:reference>/mark-paid/", views.mark_paid, name="mark_paid"),
]
