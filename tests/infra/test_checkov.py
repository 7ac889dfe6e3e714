"""checkov (the real checker) over the synthesized prod templates: every failed check is acknowledged, with its
reason, in tests/infra/checkov_acknowledged.yaml, and every acknowledgement still matches a finding.

checkov pins boto3/botocore 1.35, older than this project's venv, so it lives in a venv of its own:
``python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov`` (or set CHECKOV_BIN). The
test skips, saying so, when no checkov is found.
"""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ACKNOWLEDGED = yaml.safe_load((Path(__file__).with_name("checkov_acknowledged.yaml")).read_text())
# The families the templates must pass outright unless acknowledged above (ids from checkov's AWS CFN checks).
IN_SCOPE = {"encryption": "CKV_AWS_158 CKV_AWS_119 CKV_AWS_173 CKV_AWS_19 CKV_AWS_26 CKV_AWS_27 CKV_AWS_7",
            "public access": "CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56",
            "logging and retention": "CKV_AWS_18 CKV_AWS_66 CKV_AWS_76",
            "wildcard write access": "CKV_AWS_108 CKV_AWS_109 CKV_AWS_110 CKV_AWS_111 CKV_AWS_107"}


def _checkov() -> str | None:
    for candidate in (os.environ.get("CHECKOV_BIN"), shutil.which("checkov"), "/tmp/checkov-venv/bin/checkov"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def findings(synth):
    binary = _checkov()
    if binary is None:
        pytest.skip("checkov is not installed (it conflicts with this venv's boto3/botocore pins): "
                    "python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov")
    outdir = synth.result("prod").outdir
    run = subprocess.run([binary, "-d", str(outdir), "--framework", "cloudformation", "-o", "json", "--quiet",
                          "--compact", "--skip-download"], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    report = json.loads(run.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = []
    for one in reports:
        for check in one.get("results", {}).get("failed_checks", []):
            stack = Path(check["file_path"]).name.removesuffix(".template.json")
            failed.append((check["check_id"], f"{stack}/{check['resource']}"))
    assert sum(one.get("summary", {}).get("passed", 0) for one in reports) > 100, "checkov checked nothing"
    return failed


def _acknowledgement(check_id: str, resource: str) -> str | None:
    for entry in ACKNOWLEDGED.get(check_id, []):
        if any(fnmatch.fnmatchcase(resource, pattern) for pattern in entry["resources"]):
            return entry["reason"]
    return None


def test_every_failed_check_is_acknowledged_with_a_reason(findings):
    unacknowledged = [f for f in findings if not _acknowledgement(*f)]
    assert unacknowledged == []


def test_every_acknowledgement_still_matches_a_finding(findings):
    stale = [(check_id, pattern) for check_id, entries in ACKNOWLEDGED.items() for entry in entries
             for pattern in entry["resources"]
             if not any(c == check_id and fnmatch.fnmatchcase(r, pattern) for c, r in findings)]
    assert stale == []


def test_no_public_access_or_wildcard_write_finding_at_all(findings):
    # encryption and logging findings may be acknowledged (above); these two families may not
    forbidden = set((IN_SCOPE["public access"] + " " + IN_SCOPE["wildcard write access"]).split())
    assert [f for f in findings if f[0] in forbidden] == []
