"""Atomic writes: the old file or the new one, never half of one, and no temp file left behind."""

from __future__ import annotations

import pytest

from app.files import replacing, write_atomically


def test_write_replaces_the_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "deep" / "model.pkl"
    write_atomically(path, b"old")
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in path.parent.iterdir()] == ["model.pkl"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "CURRENT"
    path.write_bytes(b"v1")
    with pytest.raises(RuntimeError), replacing(path) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("disk trouble")
    assert path.read_bytes() == b"v1"
    assert [p.name for p in tmp_path.iterdir()] == ["CURRENT"]
