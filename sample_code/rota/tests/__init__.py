"""The rota app's own tests: what `repolint audit sample_code` reads (never run by repolint's suite)."""
