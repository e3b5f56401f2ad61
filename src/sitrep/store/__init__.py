"""SQLite storage for sitrep: the only place with SQL. See ``docs/ARCHITECTURE.md``."""

from sitrep.store.errors import StoreError, StoreQueryError
from sitrep.store.schema import LATEST_VERSION, MIGRATIONS, Migration, migrate
from sitrep.store.store import Page, Store

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "Migration",
    "Page",
    "Store",
    "StoreError",
    "StoreQueryError",
    "migrate",
]
