"""Pricing: the shipped file loads, cost arithmetic is exact, bad files name the file and field."""

from __future__ import annotations

import pytest

from app.audit.pricing import load_pricing
from app.errors import ConfigError


@pytest.fixture
def pricing():
    return load_pricing()


def test_shipped_pricing_prices_the_baseline_llm(pricing):
    assert pricing.baseline.llm in pricing.models
    assert pricing.human.per_handoff > 0


def test_hosted_cost_is_tokens_times_list_price(pricing):
    price = pricing.models["openai:gpt-4o-mini"]
    cost = pricing.cost_of("openai:gpt-4o-mini", 1_000_000, 500_000, latency_ms=12_345)
    assert cost == pytest.approx(price.input_per_million + 0.5 * price.output_per_million)


def test_local_cost_is_compute_time_not_tokens(pricing):
    one_hour = pricing.cost_of("llamacpp:gemma3-270m", 10_000, 10_000, latency_ms=3_600_000)
    assert one_hour == pytest.approx(pricing.local.compute_per_hour)
    assert pricing.cost_of("ollama:qwen2.5:1.5b", 999, 999, latency_ms=0) == 0.0


def test_all_llm_cost_uses_configured_llm_when_priced_else_baseline(pricing):
    mini = pricing.all_llm_cost(1_000_000, 0)
    assert mini == pytest.approx(pricing.models[pricing.baseline.llm].input_per_million)
    big = pricing.all_llm_cost(1_000_000, 0, llm_model="openai:gpt-4o")
    assert big == pytest.approx(pricing.models["openai:gpt-4o"].input_per_million)
    assert pricing.all_llm_cost(1_000_000, 0, llm_model="none") == pytest.approx(mini)


def test_unknown_hosted_model_is_a_config_error_naming_the_model(pricing):
    with pytest.raises(ConfigError, match="openai:gpt-9"):
        pricing.cost_of("openai:gpt-9", 10, 10, 0)
    with pytest.raises(ConfigError, match="gpt-9"):
        pricing.check_models(["llamacpp:gemma3-270m", "openai:gpt-9"])


def test_estimated_tokens_grow_with_the_message(pricing):
    short_in, out = pricing.estimated_tokens("hi")
    long_in, _ = pricing.estimated_tokens("x" * 4000)
    assert long_in - short_in == 1000 - 1
    assert out == pricing.baseline.completion_tokens


def test_bad_field_names_file_and_field(tmp_path):
    bad = tmp_path / "pricing.yaml"
    bad.write_text(
        "models:\n  'openai:x': {input_per_million: -1, output_per_million: 1}\n"
        "local: {compute_per_hour: 0.1}\nbaseline: {llm: 'openai:x'}\nhuman: {per_handoff: 1}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_pricing(bad)
    assert str(bad) in str(err.value) and "models.openai:x.input_per_million" in str(err.value)


def test_baseline_must_be_priced(tmp_path):
    bad = tmp_path / "pricing.yaml"
    bad.write_text("local: {compute_per_hour: 0.1}\nbaseline: {llm: 'openai:nope'}\nhuman: {per_handoff: 1}\n")
    with pytest.raises(ConfigError, match="baseline.llm"):
        load_pricing(bad)


def test_missing_and_unparsable_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_pricing(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("models: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_pricing(broken)
