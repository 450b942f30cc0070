"""Output rails: grounding of each claim kind, commitments, PII leakage and tone."""

import pytest

from app.guardrails.claims import extract_claims, fold_number_words
from app.guardrails.grounding import check_grounding, unsupported_claims
from app.guardrails.output_rails import check_commitments, check_pii_leak, check_tone, run_output_rails
from app.guardrails.policy import load_guardrail_policy
from app.knowledge.models import Chunk

POLICY = load_guardrail_policy()
CONTEXT = (
    "Resetting a forgotten password\n"
    "1. Go to the sign-in page at https://www.northwindgoods.example/signin.\n"
    '2. Select the link "Forgot password?" under the password box.\n'
    "The reset link is valid for 30 minutes and can be used only once.\n"
    "If the email still does not arrive, contact Customer Care at 1-800-555-0142 or support@northwindgoods.example.\n"
    "Returns are free. Refunds are issued within 5 to 7 business days. The restocking fee is $4.99.\n"
    "We will refund the original shipping cost if the item arrived damaged."
)


def chunk(text=CONTEXT):
    return Chunk(id="c1", doc_id="account-password", title="Password", version="1.3", section="Reset", text=text)


@pytest.mark.parametrize(
    "answer",
    [
        "The reset link is valid for thirty minutes.",
        "Open https://www.northwindgoods.example/signin and select \"Forgot password?\".",
        "Call 1 (800) 555-0142 or write to support@northwindgoods.example.",
        "Refunds take 5-7 business days and the restocking fee is $4.99.",
        "Sorry about that! Let me help you with your password.",
        "We will refund the original shipping cost because the item arrived damaged.",
    ],
)
def test_supported_answers_pass(answer):
    assert unsupported_claims(answer, CONTEXT) == []


@pytest.mark.parametrize(
    ("answer", "claim"),
    [
        ("The reset link is valid for 60 minutes.", "60 minutes"),
        ("The reset link is valid for thirty days.", "30 days"),
        ("Visit https://www.northwindgoods.example/reset-now.", "https://www.northwindgoods.example/reset-now"),
        ("Email help@northwindgoods.example.", "help@northwindgoods.example"),
        ("Call 1-800-555-0199.", "1-800-555-0199"),
        ("The restocking fee is $5.", "$5"),
        ('Then select "Confirm and continue".', '"Confirm and continue"'),
        ("We will send you a free gift card.", "We will send you a free gift card."),
    ],
)
def test_unsupported_claims_fail_with_the_claim(answer, claim):
    v = check_grounding(answer, CONTEXT)
    assert v.action == "block" and claim in v.details


def test_claim_normalisation():
    assert fold_number_words("thirty-five days and no one else") == "35 days and no one else"
    keys = {c.key for c in extract_claims("$5, 5.00 USD, 10 business days, 2pm")}
    assert {"5", "10 business day", "2:00pm"} <= keys


@pytest.mark.parametrize(
    ("answer", "rule"),
    [("We'll give you a full refund today.", "refund"), ("Here is a discount code: SAVE20", "discount"),
     ("As a goodwill gesture we add store credit.", "compensation"), ("We guarantee it arrives tomorrow.", "guarantee"),
     ("You are legally entitled to a replacement.", "legal_statement")],
)
def test_commitments_beyond_policy_fail(answer, rule):
    v = check_commitments(answer, "Returns are accepted within 30 days.", POLICY)
    assert v.action == "block" and v.details[0] == rule


def test_commitment_allowed_when_policy_states_it():
    ctx = "If the item arrived damaged, we will refund the full price."
    assert check_commitments("We will refund the full price of the damaged item.", ctx, POLICY).action == "pass"
    assert check_commitments("You are legally entitled to nothing.", "you are legally entitled to", POLICY).action == "block"


def test_pii_leak_only_foreign_data():
    assert check_pii_leak("We sent it to sam@example.com.", CONTEXT, "my email is sam@example.com").action == "pass"
    assert check_pii_leak("Contact support@northwindgoods.example.", CONTEXT, "hi").action == "pass"
    v = check_pii_leak("The other customer, bob@example.com, had card 4111 1111 1111 1111.", CONTEXT, "hi")
    assert v.action == "block" and set(v.details) == {"CARD", "EMAIL"}


def test_tone():
    assert check_tone("Calm down, that's your problem.", POLICY).action == "block"
    assert check_tone("I'm sorry for the trouble; here is what you can do.", POLICY).action == "pass"


def test_run_output_rails_reports_everything():
    ok = run_output_rails("The reset link is valid for 30 minutes.", [chunk()], "how long is the link valid", POLICY)
    assert ok.passed and ok.unsupported_claims == []
    bad = run_output_rails("The link is valid for 2 hours and we will give you a 10% discount.", [chunk()], "hi", POLICY)
    assert not bad.passed
    assert "2 hours" in bad.unsupported_claims
    assert {v.rail for v in bad.verdicts if v.action != "pass"} >= {"grounding", "commitments"}


def test_the_companys_own_address_quoted_from_policy_is_not_a_leak():
    """The detector draws the address boundary differently inside the policy paragraph than in the answer."""
    from app.guardrails.output_rails import check_pii_leak

    policy = ("## Mailing address\nNorthwind Goods Customer Care, 400 Harbor Street, Suite 12, Portland, OR 97209, USA.\n"
              "Do not send returns to this address.")
    quoted = "Northwind Goods Customer Care, 400 Harbor Street, Suite 12, Portland, OR 97209, USA."
    assert check_pii_leak(quoted, policy, "What's your mailing address?").action == "pass"
    invented = "Write to 12 Elm Street, Springfield, IL 62704, USA."
    assert check_pii_leak(invented, policy, "What's your mailing address?").action == "block"
