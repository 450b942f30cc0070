"""Issue 11, item 1: two processes on one SQLite data dir keep every turn of a shared conversation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.audit.store import open_audit_store
from app.checkpoints import open_checkpointer
from app.config import load_settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import sys
from tests.unit.test_concurrent_turns import slow_bot
bot = slow_bot(sys.argv[1], delay_s=0.03)
for i in range(int(sys.argv[3])):
    bot.ask(f"{sys.argv[4]} {i}: how do I reset my password?", thread_id=sys.argv[2])
print("done")
"""


def test_two_processes_on_one_data_dir_lose_no_turn(tmp_path):
    thread, per_process = "shared-thread", 8
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), thread, str(per_process), name],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("alpha", "beta")]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
    settings = load_settings(data_dir=tmp_path)
    saver = open_checkpointer(settings)
    messages = saver.get_tuple({"configurable": {"thread_id": thread}}).checkpoint["channel_values"]["messages"]
    assert len(messages) == 2 * 2 * per_process
    asked = [m.content for m in messages[::2]]
    assert sorted(asked) == sorted(f"{n} {i}: how do I reset my password?" for n in ("alpha", "beta") for i in range(per_process))
    turns = [r.turn for r in open_audit_store(settings.audit_path).thread(thread)]
    assert sorted(turns) == list(range(1, 2 * per_process + 1)), json.dumps(turns)
