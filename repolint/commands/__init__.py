"""Subcommands of `repolint` beyond `check`, each registered in `repolint.cli`."""
