"""Runtime proofs: the sample's bad code does what repolint's rules say, on real SQLite."""
