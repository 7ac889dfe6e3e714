"""Shared report files: BENCHMARKS.md and BENCHMARKS.json hold one section per tool.

Each tool (``make bench``, ``make simulate``, ``make cost``) replaces only its own section, so running one tool
never erases another's figures.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Section", "write_section", "REPORT_MD", "REPORT_JSON"]

ROOT = Path(__file__).resolve().parent.parent
REPORT_MD = ROOT / "BENCHMARKS.md"
REPORT_JSON = ROOT / "BENCHMARKS.json"
_HEADER = "# Benchmarks\n\nWritten by `make bench`, `make simulate` and `make cost`; each owns one section below.\n"


@dataclass(frozen=True)
class Section:
    """One tool's part of the report.

    Example
    -------
    >>> Section(name="layer", title="Observability layer", markdown="| a | b |", data={"ratio": 1.02})
    """

    name: str
    title: str
    markdown: str
    data: dict[str, Any] = field(default_factory=dict)


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- section:{name} -->", f"<!-- /section:{name} -->"


def write_section(section: Section, md_path: Path = REPORT_MD, json_path: Path = REPORT_JSON) -> None:
    """Replace (or append) ``section`` in the Markdown and JSON reports, leaving other sections alone.

    Example
    -------
    >>> write_section(Section("demo", "Demo", "1 passed"), tmp_md, tmp_json)  # doctest: +SKIP
    """
    start, end = _markers(section.name)
    block = f"{start}\n## {section.title}\n\n{section.markdown.rstrip()}\n{end}"
    text = md_path.read_text() if md_path.exists() else _HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    md_path.write_text(text)

    data = json.loads(json_path.read_text()) if json_path.exists() else {}
    data[section.name] = section.data
    json_path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
