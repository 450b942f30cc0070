"""Prompts of the intent package, in one place."""

NONE_OF_THESE = "none_of_these"

# Written for small base models as well as chat models: a plain completion-style frame, the options,
# and the message last. The JSON schema (enum of intent names) constrains the answer.
FALLBACK_PROMPT = """You sort customer messages for an online shop into intents.

Intents:
{options}
- {none}: the message fits none of the intents above

{earlier}
Customer: {message}

Answer with JSON {{"intent": "<one intent name from the list>"}}.
"""
