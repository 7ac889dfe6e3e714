"""No environment deploys a runtime on the deprecated list kept beside the prices: a deprecated Synthetics runtime
cannot create a canary, a deprecated Lambda runtime cannot create or update a function."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.telemetry import SyntheticsConfig

ENVIRONMENTS = ("dev", "staging", "prod")
DEPRECATED = yaml.safe_load((Path(__file__).resolve().parents[2] / "tools" / "cost_estimate"
                             / "deprecated_runtimes.yaml").read_text())


def _deprecated_synthetics(runtime: str) -> bool:
    return runtime in DEPRECATED["synthetics"]


def test_the_list_names_the_runtime_the_app_used_to_pin():
    # the list is only useful if it knows the Python 3.11 runtimes (7.0 was the old default)
    assert _deprecated_synthetics("syn-python-selenium-7.0")
    assert all(entry["source"].startswith("https://docs.aws.amazon.com/") for kind in DEPRECATED.values()
               for entry in kind.values())


def test_the_default_runtime_is_a_current_python_runtime():
    default = SyntheticsConfig().runtime
    assert default.startswith("syn-python-selenium-") and not _deprecated_synthetics(default)
    newest_deprecated = max(tuple(map(int, name.rsplit("-", 1)[1].split("."))) for name in DEPRECATED["synthetics"])
    assert tuple(map(int, default.rsplit("-", 1)[1].split("."))) > newest_deprecated


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_canary_or_function_uses_a_deprecated_runtime(synth, env):
    # GIVEN the synthesized environment
    result = synth.result(env)
    canaries = result.resources("AWS::Synthetics::Canary")
    # THEN every canary runs the configured runtime, and neither it nor any function's runtime is deprecated
    for key, canary in canaries.items():
        runtime = canary["Properties"]["RuntimeVersion"]
        assert runtime == result.cfg.synthetics.runtime, key
        assert not _deprecated_synthetics(runtime), f"{key}: {runtime} is deprecated"
    for key, function in result.resources("AWS::Lambda::Function").items():
        runtime = function["Properties"].get("Runtime")
        assert runtime not in DEPRECATED["lambda"], f"{key}: {runtime} is deprecated"
