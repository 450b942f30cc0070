"""The one check every customer or agent text passes at the edge: not empty, not too long, valid Unicode."""

from __future__ import annotations

from app.errors import UsageError


def invalid_text_reason(text: object, limit: int) -> str | None:
    """Why `text` cannot be a message (empty, over `limit` characters, not encodable as UTF-8), or None."""
    if not isinstance(text, str) or not text.strip():
        return "the message is empty: say what the customer asked"
    if len(text) > limit:
        return f"the message has {len(text)} characters; the limit is {limit} (SWITCHBOARD_MAX_MESSAGE_CHARS)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # a lone surrogate: "\ud800" from a JSON client, or invalid UTF-8 bytes decoded with surrogateescape (argv)
        return f"the message is not valid text: invalid UTF-8 or a lone surrogate at character {exc.start + 1}"
    return None


def checked_text(text: object, limit: int, *, who: str = "message") -> str:
    """`text` itself when it can be a message, else a UsageError saying why (nothing is stored)."""
    reason = invalid_text_reason(text, limit)
    if reason:
        if who != "message":
            reason = reason.replace("the message", f"the {who}").replace(": say what the customer asked", "")
        raise UsageError(reason)
    return text  # type: ignore[return-value]  # invalid_text_reason checked that it is a str
