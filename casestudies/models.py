"""Families, the identity vault and interviews arrive with their own issues."""
