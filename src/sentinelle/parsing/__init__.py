"""Raw input -> ``Message``. One module per kind; parsers are lenient: problems become anomalies."""
