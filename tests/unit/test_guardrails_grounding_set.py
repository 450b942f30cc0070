"""The grounding benchmark set is deterministic, balanced and built from the policy documents."""

from benchmarks.make_grounding_set import build


def test_build_is_deterministic_and_balanced():
    a, b = build(seed=7), build(seed=7)
    assert a == b and len(a) >= 100
    share = sum(r["label"] for r in a) / len(a)
    assert 0.35 < share < 0.65
    assert {r["kind"] for r in a if r["label"] == 0} >= {"invented", "changed_number"}
    assert all(r["answer"] and r["context"] for r in a)
