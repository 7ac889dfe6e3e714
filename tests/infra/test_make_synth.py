"""`make synth` prints the project's summary only: the config check with what each service monitors, then the
synth report; none of the CDK CLI's notices, feature-flag reports or progress lines."""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI_NOISE = ("Supply a stack id", "feature flags are not configured", "NOTICES", "Successfully synthesized",
             "Bundling asset", "cdk acknowledge")


def test_make_synth_prints_only_the_summary(tmp_path):
    # GIVEN dev, synthesized by the real CLI into a scratch folder
    out = tmp_path / "dev"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "cost-dev.md").write_text("kept\n")  # a report of make cost, from an earlier run
    (out / "watchtower-dev-Gone.template.json").write_text("{}")  # a stack this app no longer defines
    done = subprocess.run(["make", "--no-print-directory", "synth", "ENV=dev", f"OUT={out}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    # THEN it worked, and the output is the project's: validation, discovery report, synth report, cost line
    assert done.returncode == 0, done.stderr
    everything = (done.stdout + done.stderr).splitlines()
    # (a machine whose .venv is older than requirements*.txt first prints the setup step: not synth's output)
    start = next(i for i, line in enumerate(everything) if line.startswith("config/dev.yaml is valid: "))
    lines = everything[start:]
    assert lines[0].startswith("config/dev.yaml is valid: 1 service(s), ")
    assert lines[1] == "Monitored resources per service:" and lines[2].startswith("  demo: listed 1 function")
    assert any(line.startswith("Synthesized ") and line.endswith(f"stack(s) into {out}:") for line in lines)
    assert lines[-1].startswith("Estimated monthly cost: $")
    for noise in CLI_NOISE:
        assert not any(noise in line for line in everything), noise
    # AND the assembly is fresh (no stale stack) while earlier reports under it are kept
    assert not (out / "watchtower-dev-Gone.template.json").exists()
    assert (out / "reports" / "cost-dev.md").read_text() == "kept\n"
    # AND the CLI's own log is kept beside the assembly, with no feature-flag report in it either
    log = Path(f"{out}.cdk.log").read_text()
    assert "Successfully synthesized" in log and "feature flags" not in log
