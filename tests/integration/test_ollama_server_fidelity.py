"""The Ollama-protocol endpoint, driven by the official `ollama` client and by langchain_ollama.

Against our test server these tests check that it speaks Ollama's protocol faithfully enough for the
real clients; pointed at a real Ollama ($OLLAMA_HOST, see tests/conftest.py) the same tests check that
our expectations of Ollama hold. Assertions are about shapes and properties, never exact wording.
"""

from __future__ import annotations

import json
from typing import Literal

import httpx
import numpy as np
import ollama
import pytest
from pydantic import BaseModel, Field

pytestmark = pytest.mark.integration

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]
SHORT = {"temperature": 0, "num_predict": 32}


class Ticket(BaseModel):
    """A support ticket triage, used as the structured-output schema."""

    intent: Literal["refund", "delivery", "account", "other"]
    urgent: bool
    summary: str = Field(max_length=80)


TRIAGE = [{"role": "user", "content": "Triage this message as JSON: 'My parcel is two weeks late, where is it?'"}]


@pytest.fixture(scope="module")
def client(ollama_server) -> ollama.Client:
    return ollama.Client(host=ollama_server.host, timeout=120)


def _cosine(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# ---- metadata endpoints -----------------------------------------------------------------------------


def test_version_answers_with_a_release_number(ollama_server):
    reply = httpx.get(f"{ollama_server.host}/api/version", timeout=10)
    assert reply.status_code == 200
    major, minor, *_ = reply.json()["version"].split(".")
    assert major.isdigit() and minor.isdigit()


def test_list_shows_chat_and_embedding_models_with_ollama_fields(client, ollama_server):
    models = {m.model: m for m in client.list().models}
    names = set(models) | {name.removesuffix(":latest") for name in models}
    assert {ollama_server.model, ollama_server.embed_model} <= names
    chat = models[ollama_server.model]
    assert chat.size > 1_000_000 and chat.digest and chat.modified_at is not None
    assert chat.details.format == "gguf" and chat.details.family
    assert chat.details.parameter_size and chat.details.quantization_level


def test_show_describes_the_chat_model(client, ollama_server):
    shown = client.show(ollama_server.model)
    assert "completion" in shown.capabilities
    assert shown.details.family and shown.modelfile and shown.template
    assert shown.modelinfo["general.architecture"] == shown.details.family


@pytest.mark.parametrize("call", ["show", "chat"])
def test_unknown_model_is_a_404_like_ollama(client, call):
    with pytest.raises(ollama.ResponseError) as err:
        if call == "show":
            client.show("no-such-model:1b")
        else:
            client.chat(model="no-such-model:1b", messages=QUESTION)
    assert err.value.status_code == 404
    assert "not found" in err.value.error


# ---- chat -------------------------------------------------------------------------------------------


def test_chat_returns_an_assistant_message_with_counts(client, ollama_server):
    reply = client.chat(model=ollama_server.model, messages=QUESTION, options=SHORT)
    assert reply.message.role == "assistant"
    assert reply.message.content.strip()
    assert reply.done is True and reply.done_reason in {"stop", "length"}
    assert reply.prompt_eval_count > 0 and 0 < reply.eval_count <= SHORT["num_predict"]
    assert reply.total_duration > 0 and reply.eval_duration > 0


def test_chat_stream_sends_fragments_then_one_done_line(client, ollama_server):
    chunks = list(client.chat(model=ollama_server.model, messages=QUESTION, options=SHORT, stream=True))
    assert len(chunks) >= 2
    assert all(c.done is False for c in chunks[:-1]) and chunks[-1].done is True
    assert chunks[-1].done_reason in {"stop", "length"} and chunks[-1].eval_count > 0
    assert "".join(c.message.content for c in chunks).strip()


def test_num_predict_caps_the_reply(client, ollama_server):
    prompt = [{"role": "user", "content": "Tell me a long story about a dragon and a knight."}]
    reply = client.chat(model=ollama_server.model, messages=prompt, options={"temperature": 0, "num_predict": 4})
    assert reply.eval_count <= 4
    assert reply.done_reason == "length" or len(reply.message.content.split()) <= 4


def test_same_seed_gives_the_same_sampled_reply(client, ollama_server):
    options = {"temperature": 0.9, "seed": 1234, "num_predict": 24}
    first = client.chat(model=ollama_server.model, messages=QUESTION, options=options)
    second = client.chat(model=ollama_server.model, messages=QUESTION, options=options)
    assert first.message.content == second.message.content


def test_stop_sequences_end_the_reply(client, ollama_server):
    prompt = [{"role": "user", "content": "List three fruits, separated by commas."}]
    reply = client.chat(model=ollama_server.model, messages=prompt, options={**SHORT, "stop": [","]})
    assert "," not in reply.message.content


def test_format_json_returns_a_json_object(client, ollama_server):
    reply = client.chat(model=ollama_server.model, messages=TRIAGE, format="json",
                        options={"temperature": 0, "num_predict": 96})
    assert isinstance(json.loads(reply.message.content), dict)


@pytest.mark.parametrize("temperature", [0.0, 0.8])
def test_format_schema_returns_json_matching_the_schema(client, ollama_server, temperature):
    reply = client.chat(model=ollama_server.model, messages=TRIAGE, format=Ticket.model_json_schema(),
                        options={"temperature": temperature, "seed": 7, "num_predict": 96})
    ticket = Ticket.model_validate_json(reply.message.content)  # raises if the schema is not honoured
    assert ticket.intent in {"refund", "delivery", "account", "other"}


def test_generate_continues_a_prompt(client, ollama_server):
    reply = client.generate(model=ollama_server.model, prompt="The capital of France is",
                            options={"temperature": 0, "num_predict": 8})
    assert reply.response.strip() and reply.done is True and reply.eval_count > 0


# ---- embeddings -------------------------------------------------------------------------------------


def test_embed_returns_one_384_dim_vector_per_input_that_tracks_meaning(client, ollama_server):
    texts = ["I want my money back for this order.", "Please refund my purchase.",
             "The weather in the mountains is cold today."]
    reply = client.embed(model=ollama_server.embed_model, input=texts)
    assert len(reply.embeddings) == 3 and all(len(v) == 384 for v in reply.embeddings)
    refund_a, refund_b, weather = reply.embeddings
    assert _cosine(refund_a, refund_b) > _cosine(refund_a, weather) + 0.2


def test_embed_accepts_a_single_string_and_the_legacy_endpoint_agrees(client, ollama_server):
    text = "Where is my parcel?"
    single = client.embed(model=ollama_server.embed_model, input=text).embeddings
    legacy = client.embeddings(model=ollama_server.embed_model, prompt=text).embedding
    assert len(single) == 1 and len(single[0]) == len(legacy) == 384
    assert _cosine(single[0], legacy) > 0.99


def test_chat_model_refuses_embeddings_or_embed_model_refuses_chat(client, ollama_server):
    if ollama_server.real:
        pytest.skip("real Ollama models may support both chat and embeddings")
    with pytest.raises(ollama.ResponseError) as err:
        client.chat(model=ollama_server.embed_model, messages=QUESTION)
    assert err.value.status_code == 400 and "does not support" in err.value.error


# ---- langchain_ollama ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chat_model(ollama_server):
    from langchain_ollama import ChatOllama

    return ChatOllama(model=ollama_server.model, base_url=ollama_server.host, temperature=0,
                      num_predict=32, validate_model_on_init=True)


def test_chat_ollama_invoke_reports_text_and_usage(chat_model, ollama_server):
    reply = chat_model.invoke("What is the capital of France?")
    assert reply.content.strip()
    assert reply.usage_metadata["input_tokens"] > 0 and reply.usage_metadata["output_tokens"] > 0
    assert reply.response_metadata["model_name"] == ollama_server.model
    assert reply.response_metadata["done_reason"] in {"stop", "length"}


def test_chat_ollama_stream_yields_several_chunks(chat_model):
    chunks = list(chat_model.stream("What is the capital of France?"))
    assert len(chunks) >= 2
    assert "".join(c.content for c in chunks).strip()


def test_chat_ollama_structured_output_returns_the_pydantic_model(chat_model):
    structured = chat_model.with_structured_output(Ticket, method="json_schema")
    ticket = structured.invoke(TRIAGE[0]["content"])
    assert isinstance(ticket, Ticket)


def test_chat_ollama_validation_rejects_an_unknown_model(ollama_server):
    from langchain_ollama import ChatOllama

    with pytest.raises(ValueError, match="not found"):
        ChatOllama(model="no-such-model", base_url=ollama_server.host, validate_model_on_init=True)


def test_ollama_embeddings_match_the_client_and_track_meaning(ollama_server, client):
    from langchain_ollama import OllamaEmbeddings

    embeddings = OllamaEmbeddings(model=ollama_server.embed_model, base_url=ollama_server.host)
    docs = embeddings.embed_documents(["Please refund my purchase.", "The weather is cold today."])
    query = embeddings.embed_query("I want my money back.")
    assert len(docs) == 2 and len(query) == 384
    assert _cosine(query, docs[0]) > _cosine(query, docs[1])
    direct = client.embed(model=ollama_server.embed_model, input="I want my money back.").embeddings[0]
    assert _cosine(query, direct) > 0.99
