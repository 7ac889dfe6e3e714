"""``python -m tools.bench``: run every ``tools/bench/bench_*.py`` and write its section of BENCHMARKS.md/.json.

Each module exposes ``run() -> tools.report.Section``. A failing benchmark is reported in one line and the
others still run; the exit code says whether all succeeded.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from tools.report import REPORT_MD, Section, write_section

__all__ = ["discover", "main"]


def discover(folder: Path = Path(__file__).resolve().parent) -> list[str]:
    """Module names of every benchmark in ``folder``, sorted.

    Example
    -------
    >>> "tools.bench.bench_layer" in discover()
    True
    """
    return [f"tools.bench.{path.stem}" for path in sorted(folder.glob("bench_*.py"))]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks named in ``argv`` (``layer``, ``router`` ...) or all of them.

    Example
    -------
    A known name runs and writes its section to BENCHMARKS.md/.json (0 when all succeed); an unknown name
    runs nothing and says which exist:

    >>> main(["no-such-bench"])
    2
    """
    wanted = set(argv if argv is not None else sys.argv[1:])
    modules = [name for name in discover() if not wanted or name.rsplit("_", 1)[-1] in wanted]
    if wanted and not modules:
        print(f"no benchmark named {', '.join(sorted(wanted))}; available: "
              f"{', '.join(name.split('bench_', 1)[1] for name in discover())}", file=sys.stderr)
        return 2
    failed = 0
    for name in modules:
        print(f"running {name} ...", flush=True)
        try:
            section = importlib.import_module(name).run()
            if not isinstance(section, Section):
                raise TypeError(f"run() returned {type(section).__name__}, expected tools.report.Section")
        except Exception as error:  # one broken benchmark must not hide the others' figures
            print(f"{name} failed: {type(error).__name__}: {error}", file=sys.stderr)
            failed += 1
            continue
        write_section(section)
        print(f"wrote section {section.name!r} to {REPORT_MD.name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
