from django.urls import path, re_path
from django.views.generic import RedirectView

from . import pickup_views, shop_grouptrade, shop_views, views

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
    path("my-shop/pickups/", pickup_views.pickup_days, name="shop_pickups"),
    path("my-shop/pickups/settings/", pickup_views.pickup_settings, name="shop_pickup_settings"),
    re_path(r"^my-shop/pickups/(?P<day>\d{4}-\d{2}-\d{2})/$", pickup_views.pickup_day, name="shop_pickup_day"),
    path("my-shop/pickups/collected/<int:pk>/", pickup_views.pickup_collected, name="shop_pickup_collected"),
    # Group trade: pooled lots, contributions, the member ledger, payouts and their slips.
    path("my-shop/lots/", shop_grouptrade.lot_list, name="shop_lots"),
    path("my-shop/lots/add/", shop_grouptrade.lot_add, name="shop_lot_add"),
    path("my-shop/lots/from-product/", shop_grouptrade.lot_from_product, name="shop_lot_from_product"),
    path("my-shop/lots/<int:pk>/", shop_grouptrade.lot_detail, name="shop_lot"),
    path(
        "my-shop/lots/<int:lot_pk>/contributions/<int:pk>/",
        shop_grouptrade.contribution_edit,
        name="shop_contribution",
    ),
    path(
        "my-shop/lots/<int:lot_pk>/contributions/<int:pk>/delete/",
        shop_grouptrade.contribution_remove,
        name="shop_contribution_delete",
    ),
    path("my-shop/ledger/", shop_grouptrade.ledger, name="shop_ledger"),
    path("my-shop/ledger/<int:group_pk>/fee/", shop_grouptrade.fee_set, name="shop_ledger_fee"),
    path("my-shop/ledger/<int:group_pk>/payouts/", shop_grouptrade.payout_add, name="shop_payout_add"),
    path("my-shop/ledger/payouts/<int:pk>/slip/", shop_grouptrade.payout_slip, name="shop_payout_slip"),
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
