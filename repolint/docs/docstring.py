"""A rule's documentation: its module docstring, split into ruff-style sections."""

from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass

from repolint.rules.base import Rule

SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "Options",
    "References",
)
"""Every section a rule page may have, in the order it must have them."""
REQUIRED_SECTIONS = SECTIONS[:4]
EXAMPLE_SECTIONS = ("Example", "Use instead")
"""Sections whose Python code blocks are analysed by the catalogue test."""

PYTHON_LANGUAGES = frozenset({"python", "py", "python3"})
DEFAULT_FILE = "app/example.py"
"""Where a block without a `# file:` marker goes, inside the prelude project."""
SUMMARY_MAX = 100

_HEADING = re.compile(r"^##\s+(?P<title>\S.*?)\s*$")
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
_FILE_MARKER = re.compile(r"^#\s*file:\s*(?P<path>\S+)\s*$")
_CODE = re.compile(r"^RPL\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block: its language tag and its text (without the fences)."""

    language: str
    code: str

    @property
    def is_python(self) -> bool:
        return self.language.lower() in PYTHON_LANGUAGES

    @property
    def file(self) -> str | None:
        """The path named by a `# file: app/x.py` first line, if any."""
        first = self.code.split("\n", 1)[0].strip()
        match = _FILE_MARKER.match(first)
        return match.group("path") if match else None


@dataclass(frozen=True)
class Section:
    """A `## Title` and the Markdown under it, up to the next `##` heading."""

    title: str
    body: str
    blocks: tuple[CodeBlock, ...]


@dataclass(frozen=True)
class RuleDoc:
    """A parsed docstring: text before the first heading, then the sections."""

    preamble: str
    sections: tuple[Section, ...]

    def section(self, title: str) -> Section | None:
        return next((s for s in self.sections if s.title == title), None)

    def markdown(self) -> str:
        """The sections back as Markdown, each heading followed by its body."""
        parts = [f"## {s.title}\n{s.body}".rstrip() for s in self.sections]
        return "\n\n".join(parts) + "\n"


def docstring_of(rule: type[Rule]) -> str:
    """The rule module's docstring, dedented, or `""`."""
    module = sys.modules.get(rule.__module__)
    return inspect.cleandoc(module.__doc__ or "") if module else ""


def parse_doc(text: str) -> RuleDoc:
    """Split Markdown on `## ` headings that are not inside a code fence."""
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fence = ""
    for line in text.splitlines():
        target = sections[-1][1] if sections else preamble
        match = _FENCE.match(line.strip())
        if match and not fence:
            fence = match.group("fence")
        elif match and _closes(match, fence):
            fence = ""
        elif not fence and (heading := _HEADING.match(line)):
            sections.append((heading.group("title"), []))
            continue
        target.append(line)
    return RuleDoc(
        preamble="\n".join(preamble).strip(),
        sections=tuple(
            Section(title, "\n".join(lines).strip("\n"), code_blocks("\n".join(lines)))
            for title, lines in sections
        ),
    )


def _closes(match: re.Match[str], fence: str) -> bool:
    """A bare fence at least as long as the open one, of the same character, closes it."""
    return bool(fence) and match.group("fence").startswith(fence) and not match.group("lang")


def code_blocks(markdown: str) -> tuple[CodeBlock, ...]:
    """The fenced code blocks of some Markdown, in order."""
    blocks: list[CodeBlock] = []
    fence, language = "", ""
    lines: list[str] = []
    for line in markdown.splitlines():
        match = _FENCE.match(line.strip())
        if not fence and match:
            fence, language, lines = match.group("fence"), match.group("lang"), []
        elif match and _closes(match, fence):
            blocks.append(CodeBlock(language, "\n".join(lines) + "\n"))
            fence = ""
        elif fence:
            lines.append(line)
    return tuple(blocks)


def snippet_files(section: Section) -> dict[str, str]:
    """The section's Python blocks as files of the prelude project, by relative path.

    A block whose first line is `# file: app/crud.py` goes to that file; the
    others go to `DEFAULT_FILE`. Blocks for the same file are joined in order.
    """
    files: dict[str, list[str]] = {}
    for block in section.blocks:
        if block.is_python:
            files.setdefault(block.file or DEFAULT_FILE, []).append(block.code)
    return {path: "\n\n".join(parts) for path, parts in files.items()}


def doc_problems(rule: type[Rule]) -> list[str]:
    """What breaks the conventions in a rule's metadata or docstring (empty when fine)."""
    problems: list[str] = []
    code, name = getattr(rule, "code", ""), getattr(rule, "name", "")
    if not _CODE.match(code):
        problems.append(f"code {code!r} is not RPL followed by three digits")
    if not _NAME.match(name):
        problems.append(f"name {name!r} is not lower-case words joined by '-'")
    expected_module = f"{code.lower()}_{name.replace('-', '_')}"
    if rule.__module__.rsplit(".", 1)[-1] != expected_module:
        problems.append(f"module is {rule.__module__!r}, expected repolint.rules.{expected_module}")
    problems.extend(summary_problems(getattr(rule, "summary", "")))
    doc = parse_doc(docstring_of(rule))
    if doc.preamble:
        problems.append("the docstring must start with `## What it does`")
    titles = [s.title for s in doc.sections]
    for title in titles:
        if title not in SECTIONS:
            problems.append(f"unknown section `## {title}` (allowed: {', '.join(SECTIONS)})")
    for title in REQUIRED_SECTIONS:
        if title not in titles:
            problems.append(f"missing section `## {title}`")
    known = [t for t in titles if t in SECTIONS]
    if known != sorted(known, key=SECTIONS.index) or len(set(known)) != len(known):
        problems.append(f"sections out of order or repeated: {titles} (order: {list(SECTIONS)})")
    for section in doc.sections:
        if not section.body.strip():
            problems.append(f"section `## {section.title}` is empty")
    for title in EXAMPLE_SECTIONS:
        example = doc.section(title)
        if example is not None and not snippet_files(example):
            problems.append(f"`## {title}` has no ```python code block")
    return problems


def summary_problems(summary: str) -> list[str]:
    """A summary is one line of plain text, without a final period."""
    if not summary or not summary.strip():
        return ["summary is empty"]
    problems = []
    if "\n" in summary or summary != summary.strip():
        problems.append("summary must be one line without surrounding spaces")
    if summary.endswith("."):
        problems.append("summary must not end with a period")
    if len(summary) > SUMMARY_MAX:
        problems.append(f"summary is {len(summary)} characters long (at most {SUMMARY_MAX})")
    return problems
