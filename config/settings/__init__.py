"""Settings modules: base plus one per DJANGO_ENV (dev, test, production)."""
