"""Audit writes that never eat an answered turn: a failed write is kept in a local spool and retried.

The customer's reply is already decided when its audit record is written. If the store cannot take it
(a corrupt `audit.sqlite`, Postgres down, a full disk), the record goes to `<data_dir>/audit-spool.jsonl`
(appended and fsynced), the failure is logged as an error and counted, and every later write first moves
the spooled records into the store. `switchboard doctor` reports a non-empty spool.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from app.audit.record import AuditRecord
from app.audit.store import AuditStore

log = logging.getLogger("switchboard")

SPOOL_FILE = "audit-spool.jsonl"


def spooled_records(spool: Path) -> list[AuditRecord]:
    """The records waiting in a spool file (an unreadable line is skipped and logged, never fatal)."""
    if not spool.is_file():
        return []
    records = []
    for lineno, line in enumerate(spool.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(AuditRecord.model_validate_json(line))
            except ValueError:
                log.error("audit spool %s:%d is not a record; left in the file", spool, lineno)
    return records


class DurableAuditWriter:
    """Writes audit records through `open_store()`, spooling the ones the store refuses."""

    def __init__(self, open_store: Callable[[], AuditStore], spool: Path) -> None:
        self._open_store = open_store
        self._store: AuditStore | None = None
        self.spool = Path(spool)
        self.failures = 0
        """Audit writes that failed in this process (each one is in the spool until a later write drains it)."""
        self._lock = threading.Lock()

    def write(self, record: AuditRecord) -> bool:
        """Store `record` (after any spooled ones); False when it had to be spooled instead. Never raises."""
        with self._lock:
            try:
                store = self._store or self._open_store()
                self._store = store
                self._drain(store)
                store.write(record)
                return True
            except Exception as exc:  # any store failure: keep the record, say so loudly, go on
                self._store = None
                self.failures += 1
                self._append(record)
                log.error("audit trail write failed (%s: %s); the turn's record is kept in %s and will be written "
                          "when the store works again (run `switchboard doctor`)",
                          type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "", self.spool)
                return False

    def _append(self, record: AuditRecord) -> None:
        self.spool.parent.mkdir(parents=True, exist_ok=True)
        with open(self.spool, "a", encoding="utf-8") as handle:
            handle.write(record.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _rewrite(self, records: list[AuditRecord]) -> None:
        from app.files import write_atomically

        write_atomically(self.spool, "".join(r.model_dump_json() + "\n" for r in records).encode("utf-8"))

    def _drain(self, store: AuditStore) -> None:
        """Move spooled records into the store; the spool is removed only once all of them are written."""
        records = spooled_records(self.spool)
        if not records:
            return
        for done, record in enumerate(records):
            try:
                store.write(record)
            except Exception:
                self._rewrite(records[done:])  # keep only what is still unwritten: no record twice
                raise
        self.spool.unlink()
        log.warning("audit trail: %d spooled record(s) written to the store", len(records))
