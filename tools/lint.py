"""``make lint``: ruff over the app's code, then mypy over the app and over each Lambda as Lambda imports it.

Lambda code does not live in one import space: the router and the cost checker are packages under ``lambdas/``
(handler ``alert_router.app.handler``), the demo service's modules sit at its zip's root (``demo_api.handler``),
and a layer or a Synthetics canary keeps its code under ``python/``. Several of them have modules of the same
name, so each is checked with its own root on the path, plus the observability layer's, which functions run with.

Example
-------
>>> [code.name for code in lambda_code()]
['alert_router+cost_checker', 'canary', 'demo_service', 'layer']
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LambdaCode", "lambda_code", "lint_paths", "main"]

REPO = Path(__file__).resolve().parent.parent
LAMBDAS = REPO / "lambdas"
LAYER_ROOT = LAMBDAS / "layer" / "python"
# Checked by ruff, and by mypy except for the tests: the app, its Lambdas and the tests of the code they cover.
_LINTED = ("app.py", "config", "stacks", "lambdas", "plan", "tools/lint.py", "tools/discover", "tests/lambdas/layer",
           "tests/unit/test_examples.py", "tests/unit/test_repository_text.py", "tests/unit/test_app_errors.py",
           "tests/lambdas/canary", "tests/unit/test_windows.py", "dashboards")
_TYPED = ("app.py", "config", "stacks", "plan", "tools/lint.py", "tools/discover")
# Operator tools and the dashboard preview: checked by ruff and mypy on their own code only (mypy does not report
# on the modules they import, such as the alarm simulator, which has its own owners and checks).
_TOOLS = ("tools/preflight", "tools/prune.py", "tools/drill", "tools/bench/bench_layer.py", "tools/slo_report.py",
          "tools/synth_report.py", "tools/report.py", "tools/cli.py", "dashboards/preview")


@dataclass(frozen=True)
class LambdaCode:
    """One import space of Lambda code: what Lambda puts on ``sys.path`` and the sources that live there."""

    name: str
    root: Path
    sources: tuple[Path, ...]
    layers: tuple[Path, ...] = ()

    @property
    def path(self) -> list[Path]:
        """``sys.path`` as the function sees it: its own root first, then its layers'."""
        return [self.root, *self.layers]

    def modules(self) -> dict[str, Path]:
        """The sources' files by module name, as Lambda imports them.

        Example
        -------
        >>> layer = next(code for code in lambda_code() if code.name == "layer")
        >>> layer.modules()["observability.health"].name
        'health.py'
        """
        found = {}
        for source in self.sources:
            for file in [source] if source.is_file() else sorted(source.rglob("*.py")):
                parts = file.relative_to(self.root).with_suffix("").parts
                if "__pycache__" not in parts:
                    found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
        return found


def lambda_code(lambdas: Path = LAMBDAS) -> list[LambdaCode]:
    """Every import space under ``lambdas/``, by the layout rule in the module docstring."""
    packages, found = [], []
    for folder in sorted(p for p in lambdas.iterdir() if p.is_dir() and p.name != "__pycache__"):
        if (folder / "python").is_dir():  # a layer's or a canary's code: /opt/python, or the canary's python/
            found.append(LambdaCode(folder.name, folder / "python", (folder / "python",)))
        elif (folder / "__init__.py").is_file():  # a package imported from the lambdas/ root
            packages.append(folder)
        elif any(folder.glob("*.py")):  # modules at the zip's root, running with the observability layer
            found.append(LambdaCode(folder.name, folder, (folder,), (LAYER_ROOT,)))
    if packages:
        found.append(LambdaCode("+".join(p.name for p in packages), lambdas, tuple(packages), (LAYER_ROOT,)))
    return sorted(found, key=lambda code: code.name)


def lint_paths(names: Sequence[str] = _LINTED) -> list[str]:
    """The paths of ``names`` that exist (``plan/`` may not yet)."""
    return [name for name in names if (REPO / name).exists()]


def _run(command: list[str], env: dict[str, str] | None = None) -> int:
    shown = " ".join(command)
    if env and "MYPYPATH" in env:
        shown = f"MYPYPATH={env['MYPYPATH']} {shown}"
    print(shown, flush=True)
    return subprocess.call(command, cwd=REPO, env=env)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every check; the exit status is non-zero when any of them found something."""
    del argv  # no options: make lint is one command
    bin_dir = Path(sys.executable).parent
    failed = _run([str(bin_dir / "ruff"), "check", *lint_paths(), *lint_paths(_TOOLS)])
    mypy = [sys.executable, "-m", "mypy"]
    failed |= _run([*mypy, *lint_paths(_TYPED)])
    failed |= _run([*mypy, "--follow-imports=silent", *lint_paths(_TOOLS)])
    for code in lambda_code():
        env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p.relative_to(REPO)) for p in code.path)}
        failed |= _run([*mypy, "--explicit-package-bases", *(str(s.relative_to(REPO)) for s in code.sources)], env)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
