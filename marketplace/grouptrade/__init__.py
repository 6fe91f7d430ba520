"""Group trade on the marketplace: pooled lots (a product whose stock is the sum of members'
contributions), the attribution of each sale to contributions, and the member ledger (group fee,
payouts, balance owed). See docs/marketplace.md, "Pooled lots and the member ledger"."""
