"""The overhead benchmark's arithmetic: a turn's overhead is its latency minus the time its models took."""

from __future__ import annotations

from app.api import Switchboard
from app.config import load_settings
from app.context import Context
from app.deps import Deps
from benchmarks.overhead import InstantModel, measure
from tests.fakes import Prediction, RecordingRetriever, ScriptedClassifier, input_rails, output_rails

ROUTINE = Prediction("recover_password", "routine", 0.93, [("recover_password", 0.93)])
MODEL_MS = 40.0


def _bot(tmp_path) -> Switchboard:
    settings = load_settings(data_dir=tmp_path, slm="llamacpp:gemma3-270m", llm="none")
    model = InstantModel(latency_ms=MODEL_MS)
    deps = Deps(settings, slm=model, llm=model, llm_spec="openai:instant",
                classifier=ScriptedClassifier({"How do I reset my password?": ROUTINE}),
                retriever=RecordingRetriever(), input_rails=input_rails(), output_rails=output_rails())
    return Switchboard(settings, deps, audit=False, context=Context(slm_fallback=False))


def test_model_time_is_counted_per_turn_and_left_out_of_the_overhead(tmp_path):
    result = measure(_bot(tmp_path), ["How do I reset my password?"] * 6, concurrency=3)
    assert result["turns"] == 6 and result["concurrency"] == 3
    assert MODEL_MS <= result["model_ms_per_turn"] < 4 * MODEL_MS  # one SLM answer per turn, counted once
    for q in (50, 95, 99):
        assert 0 < result[f"overhead_p{q}_ms"] <= result[f"p{q}_ms"] - MODEL_MS + 1.0
    assert result["node_ms_per_turn"]["answer_with_slm"] >= MODEL_MS


def test_instant_models_take_no_model_time(tmp_path):
    bot = _bot(tmp_path)
    bot.deps.slm.latency_ms = 0.0
    result = measure(bot, ["How do I reset my password?"] * 2, concurrency=1)
    assert result["model_ms_per_turn"] < 5.0
