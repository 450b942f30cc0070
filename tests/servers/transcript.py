"""The chat prompt both test servers use for the base Gemma 3 270M, which has no chat template.

Messages become a plain transcript that a base model continues naturally, one turn at a time:

    {system messages joined by blank lines, or DEFAULT_PREAMBLE}

    User: {content}
    Assistant: {content}
    User: {content}
    Assistant:

Generation stops at "\\nUser:" (the model starting the user's next turn). `render_chat_prompt` is used
by the Ollama test server; `CHAT_TEMPLATE` is the same template in Jinja for llama_cpp.server's
`hf-tokenizer-config` chat format, so both protocols put the same prompt in front of the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_PREAMBLE = "A conversation between a user and a helpful assistant."
TURN_STOPS = ["\nUser:", "\nSystem:"]
_ROLE_LABELS = {"user": "User", "assistant": "Assistant", "tool": "Tool"}


def render_chat_prompt(messages: list[dict[str, Any]]) -> str:
    """Render chat messages as a User/Assistant transcript ending with an open assistant turn."""
    system = "\n\n".join((m.get("content") or "").strip() for m in messages if m.get("role") == "system")
    lines = [system.strip() or DEFAULT_PREAMBLE, ""]
    for m in messages:
        role = m.get("role", "user")
        if role == "system":
            continue
        lines.append(f"{_ROLE_LABELS.get(role, role.capitalize())}: {(m.get('content') or '').strip()}")
    lines.append("Assistant:")
    return "\n".join(lines)


# llama_cpp's formatter appends an empty assistant message and renders with trim_blocks/lstrip_blocks,
# so every newline is an explicit '\n' literal and the final (empty) assistant turn prints "Assistant:".
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% set ns = namespace(system='') %}"
    "{% for m in messages %}{% if m.role == 'system' %}"
    "{% set ns.system = ns.system + ('\\n\\n' if ns.system else '') + (m.content or '') | trim %}"
    "{% endif %}{% endfor %}"
    f"{{{{ ns.system if ns.system else '{DEFAULT_PREAMBLE}' }}}}{{{{ '\\n' }}}}"
    "{% for m in messages %}{% if m.role != 'system' %}"
    "{% if loop.last and m.role == 'assistant' and not m.content %}{{ '\\nAssistant:' }}"
    "{% else %}{{ '\\n' + ({'user': 'User', 'assistant': 'Assistant', 'tool': 'Tool'}[m.role]"
    " if m.role in ['user', 'assistant', 'tool'] else m.role | capitalize) + ': ' + (m.content or '') | trim }}"
    "{% endif %}{% endif %}{% endfor %}"
)


def write_tokenizer_config(directory: Path) -> Path:
    """Write a tokenizer_config.json holding CHAT_TEMPLATE for `--chat_format hf-tokenizer-config`.

    llama_cpp uses `eos_token` and `bos_token` as stop strings, so `eos_token` carries the turn stop.
    """
    path = Path(directory) / "tokenizer_config.json"
    path.write_text(json.dumps({"chat_template": CHAT_TEMPLATE, "bos_token": "<bos>", "eos_token": TURN_STOPS[0]}))
    return path
