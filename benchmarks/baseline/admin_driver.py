"""Serve the baked project's stand-in flyteadmin (tests/support/flyteadmin.py), report its calls.

Run with the project's Python and ``PYTHONPATH=<project>/tests``. Prints ``endpoint HOST:PORT``,
then answers each ``counts`` line on stdin with a JSON object of calls received so far by method;
stops at end of input.
"""

import json
import sys
from collections import Counter

from support.flyteadmin import serving

with serving() as admin:
    print(f"endpoint {admin.endpoint}", flush=True)
    for line in sys.stdin:
        if line.strip() == "counts":
            print(json.dumps(Counter(method for method, _ in list(admin.requests))), flush=True)
