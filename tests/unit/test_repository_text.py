"""The repository's code and docs explain themselves: no comment or doc points at a ticket number or at a
document that is not in this repository, since a reader of the code can follow neither."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# A ticket reference (the word issue then a number, with or without a space or '#'; or '#' and a number) and the
# team's design notes, which live outside the repository.
FORBIDDEN = re.compile(r"\bissue ?#?[0-9]|#[0-9]+ |DESIGN\.md|FACTS\.md", re.IGNORECASE)
SKIPPED_DIRS = {".git", ".venv", "node_modules", "cdk.out", "__pycache__", ".hypothesis", ".mypy_cache",
                ".ruff_cache", ".pytest_cache"}


def _tracked_files() -> list[Path]:
    """Every text file git tracks (what a reader gets), whatever its name; every file under the repository when it
    is not a git checkout. Binary files (a NUL byte, or not UTF-8) are left out."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
        files = [REPO / name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in REPO.rglob("*") if not SKIPPED_DIRS & set(p.relative_to(REPO).parts)]
    return [p for p in files if p.is_file() and _is_text(p)]


def _is_text(path: Path) -> bool:
    try:
        return "\0" not in path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return False


def test_the_forbidden_pattern_catches_what_it_is_meant_to():
    # GIVEN lines as they were written before this rule, and lines that merely look alike
    # (assembled from parts, so that this file passes its own check)
    issue, design, facts = "issue", "DESIGN" + ".md", "FACTS" + ".md"
    cited = [f"# owned by {issue} 6", f"see {design}", f"limits ({facts})", "fixed in #" + "4 below",
             f"{issue} #12", f"{issue.title()}#3", f"{issue}7"]
    fine = ["checks[0] (a): path is required", "issues are filed upstream", "colour #ff0000"]
    # THEN the first are caught and the second are not
    assert all(FORBIDDEN.search(line) for line in cited)
    assert not any(FORBIDDEN.search(line) for line in fine)


def test_no_file_cites_a_ticket_or_an_outside_document():
    # GIVEN every tracked text file (code, docs, README, Makefile, configs)
    files = _tracked_files()
    assert {"Makefile", ".gitignore", "test_repository_text.py"} <= {p.name for p in files}
    # WHEN each line is searched for ticket numbers and outside documents
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if FORBIDDEN.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:120]}")
    # THEN none is found: say why in words instead
    assert not found, "cite the reason, not a ticket or an outside document:\n" + "\n".join(found)


# Public classes that still share a name, each a different idea; renaming them belongs to their owners' work.
# The test below fails when a new duplicate appears; drop an entry here once its classes are renamed.
KNOWN_DUPLICATES = {
    "SliSource": "the SLO alarms' and the dashboards' copies of the SLI source",
    "ScheduleError": "the alarm simulator's vs the cost estimate's schedule errors",
}


def test_no_two_public_classes_share_a_name():
    # GIVEN every public class defined in the app's code (tests excluded)
    import ast

    where: dict[str, list[str]] = {}
    for path in _tracked_files():
        if path.suffix != ".py" or path.relative_to(REPO).parts[0] == "tests":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where.setdefault(node.name, []).append(str(path.relative_to(REPO)))
    # WHEN names defined in more than one module are collected
    duplicates = {name: paths for name, paths in where.items() if len(paths) > 1}
    # THEN no name is shared but the known ones: one word per idea
    assert set(duplicates) - set(KNOWN_DUPLICATES) == set(), duplicates
