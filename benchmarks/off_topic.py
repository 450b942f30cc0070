"""Train and measure the off-topic rail (on-business vs not about the shop).

    python -m benchmarks.off_topic --train   # rebuild app/guardrails/off_topic_model.npz, then measure
    python -m benchmarks.off_topic           # measure the shipped model

Training data: on-business = the Bitext sample in knowledge/data + the examples in knowledge/intents.yaml + CLINC150 *train*
greetings, thanks, yes/no and other conversational turns;
off-topic = CLINC150 *train* utterances of domains that are not about a shop, plus `oos_train`.
Measured on data the head never saw: CLINC150 *val* of the same domains + `oos_val` (recall), and the
Bitext 8k file rows not in our sample plus CLINC *val* greetings/thanks/yes-no (false-positive rate). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

import numpy as np

from app.config import PROJECT_ROOT
from app.guardrails.off_topic import MODEL_PATH, load_off_topic_model, off_topic_probability
from app.intents.catalog import load_intent_catalog
from app.providers.local_encoder import encode

SHARED = PROJECT_ROOT.parent / "shared" / "datasets"
CLINC = SHARED / "clinc150" / "data_full.train_val.json"
DOMAINS = SHARED / "clinc150" / "domains.json"
BITEXT_8K = SHARED / "bitext_customer_service" / "customer_service_8k" / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
SAMPLE = PROJECT_ROOT / "knowledge" / "data" / "bitext_customer_service_sample.csv"
OURS = PROJECT_ROOT / "knowledge" / "data" / "off_topic_examples.txt"
OURS_WEIGHT = 5.0
OFF_DOMAINS = ["kitchen_and_dining", "auto_and_commute", "travel", "utility", "work", "home", "small_talk", "meta"]
# Conversational or shop-like CLINC intents are not off-topic for a shop assistant.
KEEP_ON_TOPIC = {"order_status", "order", "shopping_list", "shopping_list_update", "greeting", "goodbye", "thank_you",
                 "are_you_a_bot", "what_can_i_ask_you", "who_do_you_work_for", "yes", "no", "maybe", "cancel",
                 "repeat", "user_name", "what_is_your_name"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def clinc_off_topic(split: str) -> list[str]:
    data = json.loads(CLINC.read_text())
    domains = json.loads(DOMAINS.read_text())
    off = {i for d in OFF_DOMAINS for i in domains[d]} - KEEP_ON_TOPIC
    texts = [t for t, label in data[split] if label in off]
    return texts + [t for t, _ in data[f"oos_{split}"]]


def clinc_conversational(split: str) -> list[str]:
    """Greetings, thanks, yes/no…: part of any support chat, so trained as on-business."""
    data = json.loads(CLINC.read_text())
    return [t for t, label in data[split] if label in KEEP_ON_TOPIC]


def our_off_topic() -> list[str]:
    """Our own off-topic requests (sports, trivia, homework, coding, writing…), one per line."""
    lines = OURS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def bitext_unseen() -> list[str]:
    seen = {row["utterance"].strip() for row in csv.DictReader(SAMPLE.open(encoding="utf-8"))}
    rows = csv.DictReader(BITEXT_8K.open(encoding="utf-8-sig"))
    return sorted({r["utterance"].strip() for r in rows} - seen)


def train() -> None:
    from sklearn.linear_model import LogisticRegression

    on = [row["utterance"] for row in csv.DictReader(SAMPLE.open(encoding="utf-8"))]
    on += load_intent_catalog(PROJECT_ROOT / "knowledge" / "intents.yaml").training_pairs()[0]
    on += clinc_conversational("train")
    clinc, ours = clinc_off_topic("train"), our_off_topic()
    off = clinc + ours
    log(f"training on {len(on)} on-business and {len(off)} off-topic utterances ({len(ours)} ours)")
    x = encode(on + off, show_progress=False)
    y = np.array([0] * len(on) + [1] * len(off))
    # our few sports/trivia/homework/coding requests stand for whole domains CLINC150 lacks: weigh them up
    weights = np.array([1.0] * (len(on) + len(clinc)) + [OURS_WEIGHT] * len(ours))
    head = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(x, y, sample_weight=weights)
    np.savez_compressed(MODEL_PATH, weights=head.coef_[0].astype(np.float32), bias=np.float32(head.intercept_[0]))
    load_off_topic_model.cache_clear()
    log(f"wrote {MODEL_PATH}")


def measure(threshold: float) -> dict:
    model = load_off_topic_model()
    off = clinc_off_topic("val")
    on = bitext_unseen() + clinc_conversational("val")
    p_off = np.array([off_topic_probability(e, model) for e in encode(off)])
    p_on = np.array([off_topic_probability(e, model) for e in encode(on)])
    return {"threshold": threshold, "off_topic_recall": round(float((p_off >= threshold).mean()), 4),
            "n_off_topic": len(off), "fpr_on_business": round(float((p_on >= threshold).mean()), 4), "n_on_business": len(on)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="rebuild the shipped model first")
    parser.add_argument("--threshold", type=float, default=0.7)
    args = parser.parse_args(argv)
    if args.train:
        train()
    print(json.dumps(measure(args.threshold)))


if __name__ == "__main__":
    main()
