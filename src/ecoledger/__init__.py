"""EcoLedger: the ecological-environment problem rectification ledger."""
