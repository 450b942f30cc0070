"""Prices as data: `knowledge/pricing.yaml` turned into the cost of a model call, a turn and a baseline."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.errors import ConfigError
from app.yaml_files import field_errors, read_yaml_mapping

SHIPPED_PRICING = Path(__file__).resolve().parents[2] / "knowledge" / "pricing.yaml"
CHARS_PER_TOKEN = 4


class TokenPrice(BaseModel):
    """List price of a hosted model."""

    model_config = ConfigDict(extra="forbid")

    input_per_million: float = Field(ge=0, description="$ per million prompt tokens.")
    output_per_million: float = Field(ge=0, description="$ per million completion tokens.")


class LocalCompute(BaseModel):
    """Models on your own hardware, priced by wall-clock compute time."""

    model_config = ConfigDict(extra="forbid")

    prefixes: list[str] = Field(default_factory=lambda: ["llamacpp", "ollama", "local"])
    compute_per_hour: float = Field(ge=0, description="$ per hour of compute while a local model runs.")


class Baseline(BaseModel):
    """The all-LLM counterfactual."""

    model_config = ConfigDict(extra="forbid")

    llm: str = Field(description="Model spec every turn is priced at in the counterfactual.")
    prompt_overhead_tokens: int = Field(default=600, ge=0, description="Estimated prompt overhead when no model ran.")
    completion_tokens: int = Field(default=120, ge=0, description="Estimated completion when no model ran.")


class HumanCost(BaseModel):
    """Cost of handing a conversation to a person."""

    model_config = ConfigDict(extra="forbid")

    per_handoff: float = Field(ge=0, description="$ per conversation handed to a human agent.")


class Pricing(BaseModel):
    """Everything that has a price."""

    model_config = ConfigDict(extra="forbid")

    currency: str = "USD"
    as_of: str = Field(default="", description="When the list prices were checked.")
    models: dict[str, TokenPrice] = Field(default_factory=dict)
    local: LocalCompute
    baseline: Baseline
    human: HumanCost

    def is_local(self, model_spec: str) -> bool:
        """True when the spec's provider prefix runs locally (priced by compute time)."""
        return model_spec.split(":", 1)[0] in self.local.prefixes

    def price_of(self, model_spec: str) -> TokenPrice:
        """The token price of a hosted model, or a ConfigError saying where to add it."""
        try:
            return self.models[model_spec]
        except KeyError:
            raise ConfigError(
                f"pricing.yaml: no price for model '{model_spec}'; add it under `models:` "
                f"(input_per_million, output_per_million) or list its provider under `local.prefixes`"
            ) from None

    def cost_of(self, model_spec: str, tokens_in: int, tokens_out: int, latency_ms: float) -> float:
        """Dollar cost of one model call: compute time for local models, tokens for hosted ones."""
        if self.is_local(model_spec):
            return max(latency_ms, 0.0) / 3_600_000.0 * self.local.compute_per_hour
        price = self.price_of(model_spec)
        return (tokens_in * price.input_per_million + tokens_out * price.output_per_million) / 1_000_000.0

    def baseline_llm(self, llm_model: str | None = None) -> str:
        """The counterfactual LLM: the configured one when it has a token price, else the pricing.yaml default."""
        if llm_model and llm_model in self.models:
            return llm_model
        return self.baseline.llm

    def all_llm_cost(self, tokens_in: int, tokens_out: int, llm_model: str | None = None) -> float:
        """What these tokens would have cost at the (configured or baseline) LLM's list price."""
        return self.cost_of(self.baseline_llm(llm_model), tokens_in, tokens_out, 0.0)

    def estimated_tokens(self, text: str) -> tuple[int, int]:
        """(prompt, completion) tokens an LLM answer to `text` would take, when no model actually ran."""
        prompt = self.baseline.prompt_overhead_tokens + max(1, len(text) // CHARS_PER_TOKEN)
        return prompt, self.baseline.completion_tokens

    def check_models(self, specs: list[str]) -> None:
        """Raise ConfigError unless every spec is local or priced (call at start-up)."""
        for spec in specs:
            if spec and spec not in {"auto", "none"} and not self.is_local(spec):
                self.price_of(spec)


def load_pricing(path: Path | None = None) -> Pricing:
    """Read and validate a pricing file; errors name the file and the field."""
    path = Path(path) if path is not None else SHIPPED_PRICING
    raw = read_yaml_mapping(path, "pricing file")
    try:
        pricing = Pricing.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {field_errors(exc)}") from None
    if not pricing.is_local(pricing.baseline.llm) and pricing.baseline.llm not in pricing.models:
        raise ConfigError(f"{path}: baseline.llm: '{pricing.baseline.llm}' has no entry under `models:`")
    return pricing
