from django.urls import path
from django.views.generic import RedirectView

from . import shop_views, views

app_name = "marketplace"

urlpatterns = [
    path("market/orders/<str:reference>/", views.order_detail, name="order_detail"),
    path("market/my-orders/", views.order_history, name="order_history"),
    path("market/quotes/", views.quote_list, name="quote_list"),
    path("market/quotes/new/", views.quote_request, name="quote_request"),
    path("market/quotes/<int:pk>/", views.quote_detail, name="quote_detail"),
    path("market/quotes/<int:pk>/accept/", views.quote_accept, name="quote_accept"),
    path("market/quotes/<int:pk>/withdraw/", views.quote_withdraw, name="quote_withdraw"),
    path("my-shop/", shop_views.dashboard, name="shop"),
    path("my-shop/products/", shop_views.product_list, name="shop_products"),
    path("my-shop/products/add/", shop_views.product_create, name="shop_product_add"),
    path("my-shop/products/<int:pk>/", shop_views.product_edit, name="shop_product_edit"),
    path("my-shop/products/<int:pk>/stock/", shop_views.product_stock, name="shop_product_stock"),
    path("my-shop/products/<int:pk>/status/", shop_views.product_status, name="shop_product_status"),
    path("my-shop/orders/", shop_views.fulfilment_list, name="shop_orders"),
    path("my-shop/orders/<int:pk>/", shop_views.fulfilment_update, name="shop_fulfilment"),
    path("my-shop/quotes/", shop_views.quote_list, name="shop_quotes"),
    path("my-shop/quotes/<int:pk>/", shop_views.quote_detail, name="shop_quote"),
    path("my-shop/quotes/<int:pk>/decline/", shop_views.quote_decline_view, name="shop_quote_decline"),
    # The inquiries screens became the quotes screens.
    path("my-shop/inquiries/", RedirectView.as_view(pattern_name="marketplace:shop_quotes", permanent=True)),
    path(
        "my-shop/inquiries/<int:pk>/",
        RedirectView.as_view(pattern_name="marketplace:shop_quote", permanent=True),
    ),
]
