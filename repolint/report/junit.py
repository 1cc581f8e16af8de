"""JUnit XML reporter: one failed test case per problem, one errored per unreadable path.

CI systems that read test reports (GitLab, Jenkins, Azure) show each problem as
a failed test named by its code and place, grouped by file (`classname`). Each
test case holds at most one `failure` or `error`, so `tests`, `failures` and
`errors` count test cases, as the JUnit schema means them. A clean run is one
passing test case. Characters that XML 1.0 cannot hold (control characters,
lone surrogates) are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from repolint.findings import FileError, Finding

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUITE_NAME = "repolint"


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 forbids written as escapes."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _location(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}"


def render_junit(findings: Sequence[Finding], errors: Sequence[FileError] = ()) -> str:
    """The report as an XML document (UTF-8 declared)."""
    root = ET.Element("testsuites", name=SUITE_NAME)
    suite = ET.SubElement(root, "testsuite", name=SUITE_NAME)
    for finding in findings:
        path = xml_text(finding.path)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=path,
            name=xml_text(
                f"{finding.code} {finding.name or finding.code} at {finding.line}:{finding.column}"
            ),
            file=path,
            line=str(finding.line),
        )
        failure = ET.SubElement(
            case,
            "failure",
            type=finding.code,
            message=xml_text(f"{finding.code} {finding.message}"),
        )
        failure.text = xml_text(f"{_location(finding)}: {finding.code} {finding.message}")
    for error in errors:
        path = xml_text(error.path)
        case = ET.SubElement(suite, "testcase", classname=path, name=path, file=path)
        ET.SubElement(case, "error", message=xml_text(error.message)).text = xml_text(
            f"{error.path}: {error.message}"
        )
    cases = len(findings) + len(errors)
    if cases == 0:
        ET.SubElement(suite, "testcase", classname=SUITE_NAME, name="repolint check")
        cases = 1
    for element in (root, suite):
        element.set("tests", str(cases))
        element.set("failures", str(len(findings)))
        element.set("errors", str(len(errors)))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'
