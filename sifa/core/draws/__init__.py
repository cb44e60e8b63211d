"""随机抽取: Verifiable random draws: pools and a seed committed to the ledger before the draw, revealed after."""
