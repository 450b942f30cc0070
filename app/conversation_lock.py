"""One turn at a time per conversation: in this process and across processes that share the store.

Two turns of one conversation running at once would both start from the same checkpoint, and the second to
finish would overwrite the first (turns lost, audit turn numbers repeated). Every turn, resume and stream
therefore holds the conversation's lock from reading its state to writing its audit record:

* in-process: a `threading.Lock` per conversation;
* SQLite data directory: an `fcntl.flock` on one of `LOCK_STRIPES` files under `<data_dir>/locks/`
  (a fixed set of files, so the folder does not grow with conversations; two conversations that share a
  stripe only wait for each other across processes);
* Postgres (`DATABASE_URL`): a session-level `pg_advisory_lock` on a connection held for the turn.

A turn that cannot get the lock within `wait_s` raises `ConversationBusy` (never last-writer-wins).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from app.errors import ConversationBusy

LOCK_STRIPES = 4096
_POLL_S = 0.01


def _digest(thread_id: str) -> bytes:
    return hashlib.sha256(thread_id.encode("utf-8", "surrogatepass")).digest()


def _busy(thread_id: str, wait_s: float) -> ConversationBusy:
    return ConversationBusy(
        f"conversation '{thread_id}' is busy with another turn (waited {wait_s:g} s): send the next message "
        "when the reply to the previous one has arrived"
    )


class _LocalLocks:
    """A lock per conversation id, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, thread_id: str, wait_s: float) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(thread_id, (threading.Lock(), 0))
            self._locks[thread_id] = (lock, users + 1)
        try:
            if not lock.acquire(timeout=wait_s):
                raise _busy(thread_id, wait_s)
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._guard:
                lock, users = self._locks[thread_id]
                if users == 1:
                    del self._locks[thread_id]
                else:
                    self._locks[thread_id] = (lock, users - 1)


@contextmanager
def _file_lock(directory: Path, thread_id: str, wait_s: float) -> Iterator[None]:
    """An exclusive `flock` on the conversation's stripe file, polled until `wait_s` has passed."""
    import fcntl

    directory.mkdir(parents=True, exist_ok=True)
    stripe = int.from_bytes(_digest(thread_id)[:4], "big") % LOCK_STRIPES
    with open(directory / f"{stripe:04d}.lock", "a+b") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(thread_id, wait_s) from None
                time.sleep(_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def advisory_key(thread_id: str) -> int:
    """The signed 64-bit key of the conversation's Postgres advisory lock."""
    return int.from_bytes(_digest(thread_id)[:8], "big", signed=True)


@contextmanager
def _postgres_lock(dsn: str, thread_id: str, wait_s: float) -> Iterator[None]:
    """`pg_advisory_lock` on a connection of its own, with `lock_timeout` as the wait."""
    import psycopg
    from psycopg import errors

    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"SET lock_timeout = {max(1, int(wait_s * 1000))}")
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (advisory_key(thread_id),))
        except errors.LockNotAvailable:
            raise _busy(thread_id, wait_s) from None
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (advisory_key(thread_id),))


class ConversationLocks:
    """Locks for the conversations of one store: SQLite files under `lock_dir`, or Postgres at `dsn`."""

    def __init__(self, lock_dir: Path, dsn: str | None = None, wait_s: float = 30.0) -> None:
        self.lock_dir = Path(lock_dir)
        self.dsn = dsn
        self.wait_s = wait_s
        self._local = _LocalLocks()

    @contextmanager
    def hold(self, thread_id: str, wait_s: float | None = None) -> Iterator[None]:
        """Hold the conversation for one turn; `ConversationBusy` when another turn keeps it past `wait_s`."""
        wait = self.wait_s if wait_s is None else wait_s
        started = time.monotonic()
        with ExitStack() as stack:
            stack.enter_context(self._local.hold(thread_id, wait))
            left = max(0.0, wait - (time.monotonic() - started))
            if self.dsn:
                stack.enter_context(_postgres_lock(self.dsn, thread_id, left))
            else:
                stack.enter_context(_file_lock(self.lock_dir, thread_id, left))
            yield
