"""PII rail: each entity type found and redacted, checksums enforced, ordinary text left alone."""

import pytest

from app.guardrails.pii import find_pii, iban_ok, luhn_ok, redact_pii, ssn_ok


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to jane.doe+shop@example.com please", "EMAIL"),
        ("call me on 541-714-1388", "PHONE"),
        ("mobile: +41 (0)69 979 80 58", "PHONE"),
        ("my card is 4111 1111 1111 1111", "CARD"),
        ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN"),
        ("my iban is gb82west12345698765432", "IBAN"),
        ("Here's my SSN: 460-89-9847", "SSN"),
        ("NI number AB 12 34 56 C", "NATIONAL_ID"),
        ("passport number X1234567", "NATIONAL_ID"),
        ("login from 192.168.10.20 failed", "IP"),
        ("Hi, my name is Mary Gavrilova", "PERSON"),
        ("please ask Mr. Okafor to call", "PERSON"),
        ("ship it to 3744 Retreat Avenue, Springfield", "ADDRESS"),
        ("I live at Vesterskovvej 79 Apt. 3", "ADDRESS"),
    ],
)
def test_finds_each_type(text, kind):
    assert kind in {s.type for s in find_pii(text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my card 4111 1111 1111 1112 was declined", "CARD"),  # fails Luhn
        ("IBAN GB82 WEST 1234 5698 7654 33", "IBAN"),  # fails mod-97
        ("ssn 000-12-3456", "SSN"),  # invalid area
        ("where is my order 12345?", "PHONE"),
        ("how do I reset my password", "PERSON"),
        ("the parcel weighs 2.5 kg and costs $5.00", "PHONE"),
        ("Delivery on 2024-05-01 at 10:30", "PHONE"),
        ("see https://shop.example/orders/1234567890", "PHONE"),
    ],
)
def test_ignores_non_pii(text, kind):
    assert kind not in {s.type for s in find_pii(text)}


def test_redaction_replaces_spans_with_typed_placeholders():
    redacted, spans = redact_pii("I'm Anna Kowalska, anna@example.org, 4111-1111-1111-1111")
    assert "anna@example.org" not in redacted and "4111" not in redacted and "Kowalska" not in redacted
    assert "<EMAIL>" in redacted and "<CARD>" in redacted and "<PERSON>" in redacted
    assert {s.type for s in spans} >= {"EMAIL", "CARD", "PERSON"}


def test_type_filter_limits_redaction():
    redacted, _ = redact_pii("mail bob@example.com", types={"PHONE"})
    assert redacted == "mail bob@example.com"


def test_checksums():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("DE89 3704 0044 0532 0130 00") and not iban_ok("DE89 3704 0044 0532 0130 01")
    assert ssn_ok("460", "89", "9847") and not ssn_ok("666", "12", "3456") and not ssn_ok("123", "00", "4567")
