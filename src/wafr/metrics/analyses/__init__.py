"""The analyses of metric series, one module each; ``wafr.metrics.analyze`` runs them in dependency order."""
