"""The payments package's shape, checked from its source: one module imports `stripe`, the
providers never import the services (no providers ↔ services cycle), and no caller outside the
providers package names a provider class."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace" / "payments"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, and every name it imports from a module (relative ones keep
    their dots: ``..services``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names.add(module)
            separator = "" if module.endswith(".") else "."
            names.update(f"{module}{separator}{alias.name}" for alias in node.names)
    return names


def python_files():
    return [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]


def test_only_the_stripe_provider_imports_stripe():
    importers = {
        path.relative_to(PACKAGE).as_posix()
        for path in python_files()
        if any(name == "stripe" or name.startswith("stripe.") for name in imports_of(path))
    }
    assert importers == {"providers/stripe.py"}


def test_providers_and_settle_never_import_services_or_views():
    for path in [*sorted((PACKAGE / "providers").glob("*.py")), PACKAGE / "settle.py", PACKAGE / "models.py"]:
        names = imports_of(path)
        bad = {
            name
            for name in names
            if name.split(".")[-1] in {"services", "views", "viewsets"} and "marketplace.services" not in name
        }
        assert not bad, f"{path.name} imports {bad}"


def test_no_caller_names_a_provider_class():
    classes = {
        "CashOnDeliveryProvider",
        "PayAtPickupProvider",
        "BankTransferProvider",
        "KHQRProvider",
        "StripeProvider",
    }
    for path in python_files():
        if "providers" in path.parts:
            continue
        source = path.read_text()
        assert not any(name in source for name in classes), f"{path.name} names a provider class"
