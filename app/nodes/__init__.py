"""Graph nodes. Each `make_<node>(deps)` returns the node function; `graphs/support.py` wires them."""
