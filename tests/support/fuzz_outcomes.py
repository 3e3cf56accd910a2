"""Outcomes of the property-based bakes (tests/test_fuzz_answers.py), said at the end of a run.

The test counts here; conftest.py's hooks add up pytest-xdist workers' counts and print them,
so that the number of answer sets tried is visible whatever the output capture.
"""

from __future__ import annotations

from collections import Counter

# "accepted", "refused", and "refused <key>" per answer a refusal named.
FUZZ_OUTCOMES: Counter[str] = Counter()


def summary_lines(outcomes: Counter[str]) -> list[str]:
    """``fuzzed answers: N bakes (A accepted, R refused)`` and the refusals by answer."""
    if not outcomes:
        return []
    accepted, refused = outcomes["accepted"], outcomes["refused"]
    lines = [f"fuzzed answers: {accepted + refused} bakes ({accepted} accepted, {refused} refused)"]
    by_rule = sorted((key.split()[1], n) for key, n in outcomes.items() if " " in key)
    if by_rule:
        rules = ", ".join(f"{key} {n}" for key, n in by_rule)
        lines.append(f"fuzzed answers refused by rule of: {rules}")
    return lines
