"""The session cart: product ids, quantities and the price the buyer saw, nothing else.

Prices and stock are always read again from the database; the remembered price only lets us
tell the buyer when it changed since they added the product."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from . import money
from .models import Product
from .services import CartLine, quantity_problem

SESSION_KEY = "market_cart"
MAX_LINES = 50


@dataclass
class CartItem:
    product: Product
    quantity: Decimal
    price_seen: Decimal
    problem: str | None = None

    @property
    def price_changed(self) -> bool:
        return self.price_seen != self.product.price

    @property
    def line_total(self) -> Decimal:
        """The same rounding as the order (marketplace.money): 1.25 × 0.5 → 0.63."""
        return money.line_total(self.product.price, self.quantity)


class Cart:
    def __init__(self, session):
        self.session = session
        raw = session.get(SESSION_KEY)
        self.data: dict[str, dict[str, str]] = raw if isinstance(raw, dict) else {}

    def _save(self):
        self.session[SESSION_KEY] = self.data
        self.session.modified = True

    def __len__(self) -> int:
        return len(self.data)

    def quantity_of(self, product_id: int) -> Decimal:
        entry = self.data.get(str(product_id))
        return _decimal(entry.get("quantity")) if isinstance(entry, dict) else Decimal("0")

    def add(self, product: Product, quantity: Decimal) -> str | None:
        """Add to the cart; return why not (nothing changes then)."""
        total = self.quantity_of(product.pk) + quantity
        problem = quantity_problem(product, total)
        if problem:
            return problem
        if str(product.pk) not in self.data and len(self.data) >= MAX_LINES:
            return _("Your cart is full.")
        self.data[str(product.pk)] = {"quantity": str(total), "price": str(product.price)}
        self._save()
        return None

    def set(self, product: Product, quantity: Decimal) -> str | None:
        if quantity == 0:
            self.remove(product.pk)
            return None
        problem = quantity_problem(product, quantity)
        if problem:
            return problem
        entry = self.data.get(str(product.pk)) or {"price": str(product.price)}
        entry["quantity"] = str(quantity)
        self.data[str(product.pk)] = entry
        self._save()
        return None

    def remove(self, product_id: int) -> None:
        if self.data.pop(str(product_id), None) is not None:
            self._save()

    def clear(self) -> None:
        self.data = {}
        self._save()

    def accept_prices(self) -> None:
        """The buyer has seen the new prices: remember them."""
        for item in self.items():
            self.data[str(item.product.pk)]["price"] = str(item.product.price)
        self._save()

    def items(self) -> list[CartItem]:
        ids = [int(key) for key in self.data if key.isdigit()]
        products = Product.objects.for_cards().filter(pk__in=ids).order_by("group_id", "pk")
        items = []
        for product in products:
            entry = self.data[str(product.pk)]
            item = CartItem(product, _decimal(entry.get("quantity")), _decimal(entry.get("price")))
            item.problem = quantity_problem(product, item.quantity)
            items.append(item)
        missing = set(ids) - {item.product.pk for item in items}
        for product_id in missing:  # deleted products simply leave the cart
            self.data.pop(str(product_id), None)
        if missing:
            self._save()
        return items

    @staticmethod
    def total(items: list[CartItem]) -> Decimal:
        return money.order_total(item.line_total for item in items)

    def cart_lines(self) -> list[CartLine]:
        return [
            CartLine(int(key), _decimal(entry.get("quantity")), _decimal(entry.get("price")))
            for key, entry in self.data.items()
            if key.isdigit() and isinstance(entry, dict)
        ]


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return Decimal("0")
