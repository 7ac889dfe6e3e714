"""Every docstring example of the app runs, so the documentation cannot drift from the code.

Modules are discovered, not listed: a module with a ``>>>`` example anywhere under config/, stacks/, dashboards/,
tools/ or plan/ is run here in-process; each Lambda's modules run in a fresh interpreter with only that Lambda's
import roots on ``sys.path`` (its code, plus the observability layer it runs with), as Lambda imports them.
``# doctest: +SKIP`` is for examples that need AWS.
"""
from __future__ import annotations

import doctest
import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools.lint import REPO, LambdaCode, lambda_code

PACKAGES = ("config", "stacks", "dashboards", "tools", "plan")
FLAGS = doctest.ELLIPSIS


def _has_examples(path: Path) -> bool:
    return ">>>" in path.read_text(encoding="utf-8")


def _app_modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")) if (REPO / package).is_dir() else []:
            if "__pycache__" in path.parts or not _has_examples(path):
                continue
            parts = path.relative_to(REPO).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _failures(module: object) -> tuple[int, str]:
    """(examples attempted, report of the failing ones) for one imported module."""
    finder, out = doctest.DocTestFinder(), []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in finder.find(module):
        runner.run(test, out=out.append)
    return runner.summarize(verbose=False).attempted, "".join(out)


@pytest.mark.parametrize("name", _app_modules())
def test_app_examples_hold(name):
    # GIVEN a module of the app with examples in its docstrings
    module = importlib.import_module(name)
    # WHEN doctest runs them
    attempted, report = _failures(module)
    # THEN each one gives the output its docstring shows
    assert not report, report


# Runs in a fresh interpreter (-I: no current directory, no PYTHONPATH) with one Lambda's roots on sys.path.
_CHILD = textwrap.dedent("""
    import doctest, importlib, json, sys
    roots, names, result_file = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
    sys.path[:0] = roots
    results = {}
    for name in names:
        out = []
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # an import error is a finding, reported like a failing example
            results[name] = f"import failed: {type(exc).__name__}: {exc}"
            continue
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        try:
            for test in doctest.DocTestFinder().find(module):
                runner.run(test, out=out.append)
        except ValueError as exc:  # a docstring doctest cannot parse
            out.append(f"unparseable example: {exc}")
        results[name] = "".join(out)
    with open(result_file, "w") as fh:
        json.dump(results, fh)
""")


def _lambda_params() -> list[LambdaCode]:
    return lambda_code()


def _lambda_environment() -> dict[str, str]:
    """The variables a Lambda gets that the examples rely on; none that reach a real account."""
    keep = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TZ", "SYSTEMROOT") if key in os.environ}
    return {**keep, "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "POWERTOOLS_DEV": "false"}


@pytest.mark.parametrize("code", _lambda_params(), ids=lambda code: code.name)
def test_lambda_examples_hold(code: LambdaCode, tmp_path):
    # GIVEN one Lambda's modules that carry examples, importable only from that Lambda's roots
    names = [name for name, path in code.modules().items() if _has_examples(path)]
    assert names, f"{code.name}: no module with examples found (layout rule in tools/lint.py changed?)"
    result_file = tmp_path / "results.json"
    # WHEN a fresh interpreter imports them as Lambda would and runs their examples
    completed = subprocess.run(
        [sys.executable, "-I", "-c", _CHILD, json.dumps([str(p) for p in code.path]), json.dumps(names),
         str(result_file)],
        cwd=tmp_path, env=_lambda_environment(), capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    # THEN every example gives the output its docstring shows
    failing = {name: report for name, report in json.loads(result_file.read_text()).items() if report}
    assert not failing, "\n".join(f"== {name}\n{report}" for name, report in failing.items())
