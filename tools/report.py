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

__all__ = ["Section", "write_section", "write_env_report", "REPORT_MD", "REPORT_JSON", "TRACKED_ENVIRONMENTS"]

ROOT = Path(__file__).resolve().parent.parent
REPORT_MD = ROOT / "BENCHMARKS.md"
REPORT_JSON = ROOT / "BENCHMARKS.json"
# Only the shipped environments have a section in the tracked report: trying a config of one's own must
# never dirty the repository.
TRACKED_ENVIRONMENTS = ("dev", "staging", "prod")
_HEADER = "# Benchmarks\n\nWritten by `make bench`, `make simulate` and `make cost`; each owns one section below.\n"


@dataclass(frozen=True)
class Section:
    """One tool's part of the report.

    Example
    -------
    >>> Section(name="layer", title="Observability layer", markdown="| a | b |", data={"ratio": 1.02}).name
    'layer'
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
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     md, js = Path(tmp) / "REPORT.md", Path(tmp) / "REPORT.json"
    ...     write_section(Section("demo", "Demo", "1 passed", {"passed": 1}), md, js)
    ...     write_section(Section("demo", "Demo", "2 passed", {"passed": 2}), md, js)  # replaces, not appends
    ...     md.read_text().count("## Demo"), json.loads(js.read_text())
    (1, {'demo': {'passed': 2}})
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


def env_report_dir(env: str, root: Path = ROOT) -> Path:
    """Where ``make cost`` / ``make simulate`` put an environment's reports: ``cdk.out/ENV/reports/`` (untracked).

    Example
    -------
    >>> env_report_dir("acme", Path("/repo")).as_posix()
    '/repo/cdk.out/acme/reports'
    """
    return root / "cdk.out" / env / "reports"


def write_env_report(section: Section, env: str, *, tracked: bool = False, root: Path = ROOT) -> list[Path]:
    """Write ``section`` to ``cdk.out/ENV/reports/NAME.md|.json``; with ``tracked`` also to BENCHMARKS.md/.json.

    ``tracked`` (``make report`` or ``REPORT=1``) only takes effect for the shipped environments, so a new
    environment's numbers never land in the repository. Returns the files written.

    Example
    -------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_env_report(Section("cost-acme", "Cost", "| a |"), "acme", tracked=True, root=root)]
    ['cost-acme.md', 'cost-acme.json']
    """
    out = env_report_dir(env, root)
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / f"{section.name}.md", out / f"{section.name}.json"
    md.write_text(f"## {section.title}\n\n{section.markdown.rstrip()}\n")
    js.write_text(json.dumps(section.data, indent=2, sort_keys=True) + "\n")
    written = [md, js]
    if tracked and env in TRACKED_ENVIRONMENTS:
        md_path, json_path = root / REPORT_MD.name, root / REPORT_JSON.name
        write_section(section, md_path, json_path)
        written += [md_path, json_path]
    return written
