"""Conformance results as JUnit XML, which every CI system renders: one <testsuite> per spec (and
per lockstep training run), one <testcase> per check. A fail or float32-defect is a <failure>
whose message is the check's verdict line with its numbers; float32-limited is a passing test
case carrying its note in <system-out> (a <failure> under `strict`, as `compare --strict` exits 1
on it); a spec that could not be compared at all is one <error>."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from spec.atomic import write_text_atomic

from .tolerance import LIMITED


def _case(suite: ET.Element, classname: str, check, strict: bool) -> bool:
    """Append `check` as a test case; True when it counts as a failure."""
    case = ET.SubElement(suite, "testcase", classname=classname, name=check.name, time="0")
    failed = check.failed or (strict and check.verdict == LIMITED)
    if failed:
        failure = ET.SubElement(case, "failure", message=f"{check.verdict}: {check.note}"[:2000], type=check.verdict)
        failure.text = check.note
    elif check.verdict == LIMITED:
        ET.SubElement(case, "system-out").text = f"{check.verdict}: {check.note}"
    return failed


def _suite(root: ET.Element, name: str, checks, seconds: float, strict: bool, error: str | None = None) -> None:
    suite = ET.SubElement(root, "testsuite", name=name, time=f"{seconds:.3f}")
    failures = sum(_case(suite, name, c, strict) for c in checks)
    errors = 0
    if error:
        case = ET.SubElement(suite, "testcase", classname=name, name="compare", time="0")
        ET.SubElement(case, "error", message=error[:2000], type="error").text = error
        errors = 1
    suite.set("tests", str(len(checks) + errors))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")


def document(results, trained=(), strict: bool = False) -> str:
    """`results`: `compare.SpecResult`s; `trained`: `lockstep.TrainConformance`s."""
    root = ET.Element("testsuites", name="crosscheck compare")
    for r in results:
        _suite(root, r.spec, r.checks, r.seconds, strict, r.error)
    for t in trained:
        _suite(root, f"{t.spec}.training", t.checks, 0.0, strict, t.stopped)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key)) for s in root)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write(path, results, trained=(), strict: bool = False) -> None:
    write_text_atomic(path, document(results, trained, strict))
