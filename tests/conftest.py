"""Shared fixtures. Each environment is synthesized once per test session (a synth takes seconds)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
# No test may reach AWS: fake credentials and a fixed region for boto3/moto.
for _key, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_key] = _value

ENVIRONMENTS = ("dev", "staging", "prod")


class _Synth:
    """Lazily synthesizes each environment once; tests ask for what they need."""

    def __init__(self, base: Path):
        self._base = base
        self._results: dict = {}

    def result(self, env: str):
        from tests.synth import synthesize

        if env not in self._results:
            self._results[env] = synthesize(env, self._base / env)
        return self._results[env]

    def templates(self, env: str) -> dict[str, dict]:
        """Templates of ``env`` by stack name."""
        return self.result(env).templates

    def app_config(self, env: str):
        """The EnvironmentConfig ``env`` was synthesized from."""
        return self.result(env).cfg


@pytest.fixture(scope="session")
def synth(tmp_path_factory) -> _Synth:
    """Session-wide synthesized environments: ``synth.templates("prod")``, ``synth.result("dev")``."""
    return _Synth(tmp_path_factory.mktemp("cdk-out"))
