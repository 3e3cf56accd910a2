"""The order in which ``make test`` starts the template's test modules.

The modules below take longest, longest first: minutes each on 2 cores, as they install bakes and
run their suites, or build an image. ``make test`` hands whole files to pytest-xdist's workers in
collection order (``--dist loadfile --no-loadscope-reorder``: a module's bake or image is made
once), so these start first and the many short modules fill in the end.
"""

from __future__ import annotations

LONGEST_FIRST = [
    "test_real_pipeline.py",
    "test_launcher_fixtures.py",
    "test_start_your_own.py",
    "test_recipes.py",
    "test_image.py",
    "test_baked_project.py",
    "test_fuzz_answers.py",
    "test_matrix.py",
    "test_benchmarks.py",
    "test_shared_rules.py",
]


def start_rank(module: str) -> int:
    """Where the test module file ``module`` starts: LONGEST_FIRST's order, then all others."""
    return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)
