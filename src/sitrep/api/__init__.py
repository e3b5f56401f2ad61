"""sitrep's web app: JSON API and HTML pages from the same store query functions."""

from sitrep.api.app import create_app, serve

__all__ = ["create_app", "serve"]
