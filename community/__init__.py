"""The Ouderkring domain: models, services and message catalogs. Knows nothing of chat platforms."""
