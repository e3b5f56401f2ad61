"""Near-copy band keys in the store: the LSH buckets of each report's MinHash signature.

``BandsMixin`` adds these methods to ``Store`` (the SQL lives here, the transactions are the
store's). A writer looks up the candidates of a new report by its band keys, so finding
near-copies costs the same whatever the store holds, and no signature is kept in memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sitrep.store import rows
from sitrep.store.errors import StoreError


class BandsMixin:
    """Band-key methods of ``Store``."""

    path: Any
    _transaction: Any
    _reading: Any

    def add_band_keys(self, report_id: str, keys: Iterable[int]) -> None:
        """Record a report's band keys (in the current batch, if one is open)."""
        with self._transaction(f"cannot record the near-copy keys of {report_id}") as conn:
            conn.executemany(
                "INSERT INTO report_bands(band_key, report_id) VALUES (?, ?)",
                [(key, report_id) for key in keys],
            )

    def band_candidates(
        self, keys: Sequence[int]
    ) -> list[tuple[str, str | None, tuple[int, ...], int]]:
        """(report id, original id, signature, order added) of every stored report that shares
        one of ``keys``."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        with self._reading() as conn:
            found = conn.execute(
                "SELECT DISTINCT r.id, r.original_id, r.minhash, r.rowid AS position"
                " FROM report_bands b JOIN reports r ON r.id = b.report_id"
                f" WHERE b.band_key IN ({marks}) AND r.minhash IS NOT NULL",
                tuple(keys),
            ).fetchall()
        return [
            (row["id"], row["original_id"], self._signature(row), row["position"]) for row in found
        ]

    def report_position(self, report_id: str) -> int | None:
        """The order in which a report was added (its rowid), None when it is not stored."""
        with self._reading() as conn:
            row = conn.execute("SELECT rowid FROM reports WHERE id = ?", (report_id,)).fetchone()
        return int(row[0]) if row else None

    def report_original(self, report_id: str) -> str | None:
        """The report a stored near-copy copies, None for an original or an unknown report."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT original_id FROM reports WHERE id = ?", (report_id,)
            ).fetchone()
        return row[0] if row else None

    def reports_without_band_keys(self, limit: int = 1000) -> list[tuple[str, tuple[int, ...]]]:
        """Up to ``limit`` (report id, signature) of stored reports that have a signature but
        no band keys (stored before band keys were kept), oldest first."""
        with self._reading() as conn:
            found = conn.execute(
                "SELECT r.id, r.minhash FROM reports r WHERE r.minhash IS NOT NULL AND NOT EXISTS"
                " (SELECT 1 FROM report_bands b WHERE b.report_id = r.id) ORDER BY r.rowid"
                " LIMIT ?",
                (limit,),
            ).fetchall()
        return [(row["id"], self._signature(row)) for row in found]

    def _signature(self, row: sqlite3.Row) -> tuple[int, ...]:
        try:
            return rows.unpack_minhash(row["minhash"])
        except ValueError as exc:
            raise StoreError(
                f"{self.path}: report {row['id']} has a damaged MinHash signature ({exc})"
            ) from None
