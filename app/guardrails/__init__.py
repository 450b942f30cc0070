"""Input and output rails: each returns a Verdict that is recorded in the turn's trace."""
