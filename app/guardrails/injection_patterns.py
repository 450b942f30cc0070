"""Curated prompt-injection and jailbreak patterns (English, German, French, Spanish, Italian, Portuguese, Dutch).

Each pattern is matched against every normalised view of a message (see `normalize.views`), so leetspeak,
spaced letters, base64/hex/rot13 blobs and markup comments are covered. Patterns aim at the *act* of
redirecting the assistant (ignore/override instructions, assume an unrestricted persona, reveal the system
prompt), not at topics, so ordinary customer wording ("ignore my previous order") does not match.
"""

from __future__ import annotations

import re

_IGNORE = r"(?:ignore|disregard|forget|skip|override|bypass|drop|abandon|neglect)"
_PRIOR = r"(?:all\s+|any\s+|the\s+|your\s+|of\s+)*(?:previous|prior|above|preceding|earlier|former|initial|original|old|system|given|past)?"
_RULES = r"(?:instructions?|prompts?|rules?|directives?|guidelines?|commands?|context|constraints?|restrictions?|programming|guardrails?|polic(?:y|ies)|filters?)"

PATTERNS: dict[str, str] = {
    # instruction override
    "ignore_instructions": rf"\b{_IGNORE}\s+{_PRIOR}\s*{_RULES}\b",
    "ignore_everything": r"\b(?:ignore|forget|disregard)\s+(?:everything|all(?:\s+of)?\s+(?:that|this|the\s+above)|what\s+(?:i|you)\s+(?:said|told|were\s+told)|the\s+above|above)\b",
    "new_instructions": r"\b(?:new|updated|real|actual|following)\s+(?:instructions?|task|rules|directives?)\s*(?::|are|is\b|follow)",
    "now_you_are": r"\b(?:from\s+now\s+on|starting\s+now|henceforth|for\s+the\s+rest\s+of\s+this\s+conversation),?\s+(?:you|your|u)\b",
    "you_are_no_longer": r"\byou\s+(?:are|r)\s+(?:no\s+longer|not\s+(?:an?\s+)?(?:ai|assistant|chatbot|language\s+model)\s+anymore|now\s+(?:an?|in|my|going|called|free|a\s+new))\b",
    # persona / role-play jailbreaks
    "dan": r"\b(?:dan|dude|stan|aim|evil\s*bot|anti-?dan|betterdan|jailbreak(?:ed|ing)?|jailbroken)\b.{0,80}\b(?:mode|prompt|persona|character|stands\s+for|do\s+anything|chatgpt|ai|model)\b",
    "do_anything_now": r"\bdo\s+anything\s+now\b",
    "dev_mode": r"\b(?:developer|dev|god|sudo|admin|debug|unrestricted|unfiltered|uncensored|maintenance)\s+mode\b",
    "act_as_unrestricted": r"\b(?:act|behave|respond|answer|pretend|roleplay|role-play)\s+(?:as|like|to\s+be)\b.{0,80}\b(?:no|without|free\s+(?:of|from)|not\s+bound\s+by|ignor\w*|break\w*|unrestricted|unfiltered|uncensored|any)\s*(?:restrictions?|limits?|limitations?|filters?|rules|guidelines|ethics|morals?|censorship|policies|boundaries)\b",
    "no_restrictions": r"\b(?:without|no|free\s+(?:of|from)|not\s+bound\s+by|break\s+(?:free\s+of|the))\s+(?:any\s+)?(?:ethical\s+|moral\s+|content\s+)?(?:restrictions|limitations|filters|censorship|guidelines|morals|ethics|rules)\b.{0,60}\b(?:ai|openai|chatgpt|model|respond|answer|you)\b",
    "openai_policy": r"\b(?:openai|content)\s+polic(?:y|ies)\b",
    "stay_in_character": r"\b(?:stay|remain|keep)\s+in\s+character\b|\bbreak(?:ing)?\s+character\b",
    "two_responses": r"\b(?:two|2|both)\s+(?:different\s+)?(?:responses|answers|paragraphs)\b.{0,120}\b(?:normal|classic|chatgpt|filtered|unfiltered|jailbreak|dan)\b",
    "hypothetical_frame": r"\b(?:hypothetical(?:ly)?|fictional|imaginary)\s+(?:world|scenario|story|ai|character|universe)\b.{0,120}\b(?:no|without|any)\s+(?:rules|restrictions|limits|ethics|laws|morals)\b",
    "simulate_ai": r"\b(?:simulate|emulate|imagine\s+you\s+are|you\s+will\s+be\s+playing|you\s+are\s+going\s+to\s+(?:act|pretend|play))\b.{0,60}\b(?:ai|chatbot|model|assistant|character|persona)\b",
    # system-prompt extraction
    "reveal_prompt": r"\b(?:reveal|show|print|output|display|repeat|tell\s+me|give\s+me|leak|spell\s+out|write\s+out|what\s+(?:is|are|was|were))\b.{0,40}\b(?:your\s+(?:system\s+|initial\s+|original\s+|hidden\s+|secret\s+|full\s+)*|(?:the|my)\s+(?:system|initial|original|hidden|secret)\s+)(?:prompt|instructions|rules|directives|configuration|guidelines)\b",
    "repeat_above": r"\b(?:repeat|print|output|copy|translate|summari[sz]e)\b.{0,30}\b(?:the\s+)?(?:words|text|everything|all)\s+(?:above|before|preceding|prior)\b",
    "system_prompt": r"\bsystem\s*prompt\b|\bpre-?prompt\b|\bprompt\s+injection\b",
    "instruction_markers": r"(?:^|\s)(?:\[/?(?:inst|system)\]|<\|?(?:im_start|im_end|system|endoftext)\|?>|###\s*(?:instruction|system)|system\s*:\s*you)",
    "you_must_obey": r"\byou\s+(?:must|will|shall|have\s+to)\s+(?:now\s+)?(?:obey|comply|follow\s+my|answer\s+(?:all|every|any))\b",
    # German
    "de_ignore": r"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missacht\w*)\b.{0,40}\b(?:anweisung\w*|befehl\w*|vorgaben|regeln|alles|obig\w*|vorherig\w*|bisherig\w*)\b",
    "de_now_you": r"\b(?:ab\s+(?:jetzt|sofort)|nun)\s+(?:bist|sind)\s+(?:du|sie)\b|\bdu\s+bist\s+(?:jetzt|nun|ab\s+jetzt)\b|\btu\s+so,?\s+als\b|\bstell\s+dir\s+vor,?\s+du\s+bist\b",
    "de_new_task": r"\b(?:neue|folgende)\s+(?:aufgabe|anweisung|herausforderung)\b|\bkonzentriere\s+dich\s+(?:nun|jetzt)\b",
    # French
    "fr_ignore": r"\b(?:ignore[rz]?|oublie[rz]?|ne\s+tiens\s+pas\s+compte)\b.{0,40}\b(?:instructions?|consignes?|r[eè]gles|tout\s+ce\s+qui|pr[eé]c[eé]dent\w*)\b",
    "fr_now_you": r"\b(?:tu\s+es|vous\s+[eê]tes)\s+(?:maintenant|d[eé]sormais)\b|\b[aà]\s+partir\s+de\s+maintenant\b|\bfais\s+comme\s+si\b",
    # Spanish / Portuguese / Italian
    "es_ignore": r"\b(?:ignora[r]?|olvida[r]?|olvid[ae]\s+todo|desconsidera[r]?|esque[cç]a)\b.{0,40}\b(?:instrucciones|instru[cç][oõ]es|reglas|regras|indicaciones|todo\s+lo\s+anterior|anteriores?)\b",
    "es_now_you": r"\b(?:ahora\s+eres|a\s+partir\s+de\s+ahora|de\s+ahora\s+en\s+adelante|agora\s+voc[eê]\s+[eé]|a\s+partir\s+de\s+agora)\b",
    "it_ignore": r"\b(?:ignora|dimentica)\b.{0,40}\b(?:istruzioni|regole|tutto|precedenti)\b|\bora\s+sei\b|\bd'ora\s+in\s+poi\b",
    # Dutch
    "nl_ignore": r"\b(?:negeer|vergeet)\b.{0,40}\b(?:instructies|opdrachten|regels|alles|vorige)\b|\bje\s+bent\s+nu\b",
}

COMPILED: dict[str, re.Pattern[str]] = {name: re.compile(p, re.IGNORECASE | re.DOTALL) for name, p in PATTERNS.items()}


def match_patterns(views: list[str], extra: dict[str, re.Pattern[str]] | None = None) -> list[str]:
    """Names of the patterns that match any of the given text views."""
    patterns = COMPILED if not extra else {**COMPILED, **extra}
    hits = []
    for name, rx in patterns.items():
        if any(rx.search(v) for v in views):
            hits.append(name)
    return hits
