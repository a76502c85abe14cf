"""The built-in demo: an estate modeled on a real review, provisioned in moto and scanned like a live account."""
