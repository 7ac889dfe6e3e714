"""Local (no Docker) bundling of the observability layer: copy ``python/`` and ship bytecode.

/opt is read-only in Lambda, so a layer without bytecode is compiled from source on every cold start (about
5 ms here). Bytecode is version-specific: it is built with each Lambda Python found on this machine
(python3.12, python3.13), as unchecked-hash .pyc so zip timestamps cannot invalidate it. A machine without
them still synthesizes; the layer then ships source only.
"""
from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import ILocalBundling

__all__ = ["LayerBundling", "lambda_pythons", "LAYER_SOURCE"]

LAYER_SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "layer"
_LAMBDA_PYTHONS = ("3.12", "3.13")


@functools.lru_cache(maxsize=1)  # one probe per synth process, however many environments it builds
def lambda_pythons() -> dict[str, str]:
    """Interpreters on this machine matching Lambda runtimes, by version (PATH first, then pyenv).

    Example
    -------
    >>> set(lambda_pythons()) <= {"3.12", "3.13"}  # the ones installed on this machine
    True
    """
    found: dict[str, str] = {}
    for version in _LAMBDA_PYTHONS:
        candidates = [shutil.which(f"python{version}")]
        pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}*/bin/python{version}"))
        for candidate in candidates:
            if candidate and "/shims/" not in candidate and os.access(candidate, os.X_OK) \
                    and _reports_version(candidate, version):
                found[version] = candidate
                break
    return found


def _reports_version(interpreter: str, version: str) -> bool:
    # pyenv shims exist for every installed version but fail unless that version is selected: ask, don't trust.
    try:
        result = subprocess.run([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and result.stdout.strip() == version


@jsii.implements(ILocalBundling)
class LayerBundling:
    """Builds the layer directory in-process: sources plus bytecode for each available Lambda Python.

    Example
    -------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     LayerBundling().try_bundle(out), (Path(out) / "python" / "observability" / "health.py").is_file()
    (True, True)
    """

    def try_bundle(self, output_dir: str, *args: Any, **kwargs: Any) -> bool:
        target = Path(output_dir) / "python"
        shutil.copytree(LAYER_SOURCE / "python", target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        for interpreter in lambda_pythons().values():
            # A failed compile only costs cold-start time, never correctness: keep the source-only layer.
            subprocess.run([interpreter, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
                            "-d", "/opt/python", str(target)], check=False, env=env, capture_output=True)
        return True
