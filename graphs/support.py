"""The support graph: input rails → intent → retrieval → SLM → output rails → LLM → human.

Every node is added first, then every edge; each conditional edge is a pure router in
`app/nodes/routers.py`, so the handoff conditions read as a table of contents and are unit-testable.
"""

from __future__ import annotations

from functools import cache

from langgraph.graph import END, START, StateGraph
from langgraph.types import Checkpointer

from app.context import Context
from app.deps import Deps
from app.nodes import routers
from app.nodes.answer import make_answer_with_slm, make_escalate_to_llm
from app.nodes.check_answer import make_check_answer
from app.nodes.detect_intent import make_detect_intent
from app.nodes.finish import make_refuse, make_respond
from app.nodes.handoff import make_handoff_to_human
from app.nodes.input_rails import make_input_rails
from app.nodes.retrieve import make_retrieve
from app.state import InputState, OutputState, State


def build_graph(deps: Deps, checkpointer: Checkpointer = None):
    """Wire the support graph around injected dependencies."""
    builder = StateGraph(State, context_schema=Context, input_schema=InputState, output_schema=OutputState)

    builder.add_node("input_rails", make_input_rails(deps))
    builder.add_node("detect_intent", make_detect_intent(deps))
    builder.add_node("retrieve", make_retrieve(deps))
    builder.add_node("answer_with_slm", make_answer_with_slm(deps))
    builder.add_node("check_answer", make_check_answer(deps))
    builder.add_node("escalate_to_llm", make_escalate_to_llm(deps))
    builder.add_node("handoff_to_human", make_handoff_to_human(deps))
    builder.add_node("refuse", make_refuse(deps))
    builder.add_node("respond", make_respond(deps))

    builder.add_edge(START, "input_rails")
    builder.add_conditional_edges("input_rails", routers.after_input_rails)
    builder.add_conditional_edges("detect_intent", routers.after_detect_intent)
    builder.add_conditional_edges("retrieve", routers.after_retrieve)
    builder.add_conditional_edges("answer_with_slm", routers.after_slm)
    builder.add_conditional_edges("escalate_to_llm", routers.after_llm)
    builder.add_conditional_edges("check_answer", routers.after_check)
    builder.add_edge("handoff_to_human", "respond")
    builder.add_edge("refuse", "respond")
    builder.add_edge("respond", END)

    return builder.compile(checkpointer=checkpointer, name="switchboard-support")


@cache
def make_graph():
    """What langgraph.json loads (a graph factory): the real components, each loaded on first use, built on the
    first call, so that importing this module reads no settings. The server brings its own checkpointer."""
    return build_graph(Deps())
