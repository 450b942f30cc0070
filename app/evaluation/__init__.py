"""Evaluation harness and routing-threshold calibration over a labelled JSONL dataset."""
