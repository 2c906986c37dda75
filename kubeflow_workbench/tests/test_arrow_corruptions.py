"""Issue 12, finding 1: the committed Arrow corruption fixtures say what pyarrow does with each; check it still does.

engine/arrow-check/corruptions.spec.ts requires the proxy's checker to refuse every payload pyarrow refuses; this
keeps those verdicts honest (regenerate with engine/arrow-check/fixtures/make_fixtures.py if pyarrow changes).
"""

import importlib.util
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "engine" / "arrow-check" / "fixtures"


def _make_fixtures():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pyarrow_verdicts_match_the_fixtures():
    make = _make_fixtures()
    cases = json.loads((FIXTURES / "corruptions.json").read_text())
    named = [c for c in cases if not c["name"].startswith("seeded-")]
    assert [c["name"] for c in named] == [
        "nodes-vector-length", "buffer-length", "node-length", "buffer-offset", "metadata-length"
    ]
    for case in cases:
        data = bytearray((FIXTURES / case["file"]).read_bytes())
        for at, value in case["patches"]:
            data[at] = value
        verdict = make.pyarrow_verdict(bytes(data))
        assert verdict.split(":")[0] == case["pyarrow"].split(":")[0], case["name"]
    assert all(c["pyarrow"].startswith("refuses") for c in named)
