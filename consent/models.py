"""Consent forms and records arrive with the families, vault and consent issue."""
