"""The fault benchmark (`python -m bench.faults`): user events under each fault, and what became of them."""
