"""Lexical re-ranking of dense hits."""

from __future__ import annotations

from app.knowledge.rerank import rerank, stems
from tests.fakes import chunk


def test_stems_meet_across_inflections_and_drop_stop_words():
    assert stems("How do I reset my password?") == {"reset", "passw"}
    assert "reset" in stems("Resetting a forgotten password")


def test_heading_naming_the_question_wins_a_close_dense_race():
    changing = chunk(section="Passwords > Changing your password when you know it", text="Go to account settings.")
    changing.score = 0.64
    resetting = chunk(section="Passwords > Resetting a forgotten password", text="Select Forgot password?")
    resetting.score = 0.59
    ranked = rerank("How do I reset my password?", [changing, resetting], k=2)
    assert [c.section for c in ranked] == [resetting.section, changing.section]
    assert all(0.0 <= c.score <= 1.0 for c in ranked)


def test_dense_order_is_kept_when_no_word_matches_and_k_truncates():
    a, b, c = chunk(section="X > Alpha"), chunk(section="X > Beta"), chunk(section="X > Gamma")
    a.score, b.score, c.score = 0.9, 0.5, 0.4
    assert [x.section for x in rerank("zzz qqq", [a, b, c], k=2)] == ["X > Alpha", "X > Beta"]
