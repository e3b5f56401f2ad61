"""Errors the store raises instead of raw sqlite3 exceptions."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be opened or written: the message says why, in one line."""


class StoreQueryError(ValueError):
    """A read was given an argument it cannot use (bad search syntax, date, page size)."""
