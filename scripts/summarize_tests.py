"""Adds up the per-suite reports into a table and the closing `N passed, N failed` line."""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def jest(path):
    data = json.loads(path.read_text())
    # A suite that failed to load counts as a failure even when it ran no test.
    broken = sum(1 for r in data["testResults"] if r["status"] == "failed" and not r["assertionResults"])
    return data["numPassedTests"], data["numFailedTests"] + broken, data["numPendingTests"]


def pytest(path):
    root = ET.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    total, failed = int(suite.get("tests")), int(suite.get("failures")) + int(suite.get("errors"))
    skipped = int(suite.get("skipped"))
    return total - failed - skipped, failed, skipped


def playwright(path):
    stats = json.loads(path.read_text())["stats"]
    return stats["expected"], stats["unexpected"] + stats.get("flaky", 0), stats["skipped"]


SUITES = [
    ("jest unit/proxy/engine", "jest-unit.json", jest),
    ("jest integration", "jest-integration.json", jest),
    ("jest operators", "jest-operators.json", jest),
    ("pytest", "pytest.xml", pytest),
    ("pytest kfp.Client contract", "kfp-contract.xml", pytest),
    ("galata", "galata.json", playwright),
    ("galata kubernetes mode", "galata-k8s.json", playwright),
]


def main(out):
    passed = failed = skipped = 0
    print("\n%-26s %7s %7s %7s" % ("suite", "passed", "failed", "skipped"))
    for name, file, read in SUITES:
        path = Path(out) / file
        if not path.exists():
            print("%-26s %7s %7s %7s   (no report: the suite did not run)" % (name, "-", "1", "-"))
            failed += 1
            continue
        p, f, s = read(path)
        passed, failed, skipped = passed + p, failed + f, skipped + s
        print("%-26s %7d %7d %7d" % (name, p, f, s))
    print(f"\n{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or skipped or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
