"""Benchmark of the observability layer: per-invocation cost, cold import, zip size; all from one run.

Fairness: every handler writes the same three log lines and the same five metrics to the same sink, with
tracing off (as outside Lambda, where there is no X-Ray daemon); variants are interleaved and each figure is
the median of several repeats of many invocations.
"""
from __future__ import annotations

import glob
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from tools.report import Section

__all__ = ["run", "measure_invocations", "measure_imports", "layer_zip_bytes"]

ROOT = Path(__file__).resolve().parents[2]
LAYER_DIR = ROOT / "lambdas" / "layer"
METRIC_NAMES = ("Orders", "Items", "Revenue", "Latency", "Retries")
EVENT = {"resource": "/orders", "path": "/orders", "httpMethod": "POST",
         "headers": {"Content-Type": "application/json"},
         "requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                            "authorizer": {"claims": {"sub": "user-1234"}}},
         "body": json.dumps({"order_id": "ORD-1", "items": 3})}
CONTEXT = SimpleNamespace(function_name="bench-fn", memory_limit_in_mb=512,
                          invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:bench-fn",
                          aws_request_id="4ef2d5a4-1ad1-4d7b-9d0a-4f1c2b9e0f11", function_version="$LATEST")
BENCH_ENV = {"SERVICE_NAME": "bench", "POWERTOOLS_SERVICE_NAME": "bench", "ENVIRONMENT": "bench",
             "METRICS_NAMESPACE": "Bench", "POWERTOOLS_METRICS_NAMESPACE": "Bench", "ENABLE_TRACING": "false",
             "POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "INFO"}


class _Sink(io.TextIOBase):
    """Discards output but still receives every write (so serialization cost is paid)."""

    def write(self, text: str) -> int:
        return len(text)


def _handlers() -> dict[str, Callable[[Any, Any], Any]]:
    sys.path.insert(0, str(LAYER_DIR / "python"))
    from aws_lambda_powertools import Logger, Metrics, Tracer
    from aws_lambda_powertools.logging import correlation_paths

    from observability import instrument, logger, metrics  # type: ignore[import-not-found]  # the layer's root

    @instrument
    def observability_handler(event, context):
        logger.info("order received")
        logger.info("order validated", extra={"items": 3})
        for index, name in enumerate(METRIC_NAMES):
            metrics.add_metric(name=name, unit="Count", value=index)
        logger.info("order stored")
        return {"statusCode": 200}

    pt_logger = Logger(service="bench-bare", stream=sys.stdout)
    pt_logger.append_keys(environment="bench")
    pt_metrics = Metrics(namespace="Bench", service="bench-bare")
    pt_tracer = Tracer(service="bench-bare")

    def bare_body(event, context):
        pt_logger.info("order received")
        pt_logger.info("order validated", extra={"items": 3})
        for index, name in enumerate(METRIC_NAMES):
            pt_metrics.add_metric(name=name, unit="Count", value=index)
        pt_logger.info("order stored")
        return {"statusCode": 200}

    bare_three = pt_tracer.capture_lambda_handler(pt_metrics.log_metrics(capture_cold_start_metric=True)(
        pt_logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)(bare_body)))
    bare_two = pt_metrics.log_metrics(capture_cold_start_metric=True)(
        pt_logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)(bare_body))

    def by_hand(event, context):
        base = {"service": "bench", "environment": "bench", "function_name": context.function_name,
                "function_request_id": context.aws_request_id,
                "correlation_id": event["requestContext"]["requestId"]}
        for message in ("order received", "order validated", "order stored"):
            print(json.dumps({"level": "INFO", "message": message, "timestamp": time.time(), **base}))
        blob = {"_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [
            {"Namespace": "Bench", "Dimensions": [["service", "environment"]],
             "Metrics": [{"Name": name, "Unit": "Count"} for name in METRIC_NAMES]}]},
            "service": "bench", "environment": "bench", **{name: i for i, name in enumerate(METRIC_NAMES)}}
        print(json.dumps(blob))
        return {"statusCode": 200}

    return {"observability": observability_handler, "powertools (Logger+Metrics+Tracer)": bare_three,
            "powertools (Logger+Metrics)": bare_two, "hand-written JSON": by_hand}


def measure_invocations(invocations: int = 2000, repeats: int = 9) -> dict[str, float]:
    """Median microseconds per invocation of each handler variant (interleaved repeats).

    Example
    -------
    >>> sorted(measure_invocations(50, 1))
    ['hand-written JSON', 'observability', 'powertools (Logger+Metrics)', 'powertools (Logger+Metrics+Tracer)']
    """
    saved_env = {key: os.environ.get(key) for key in BENCH_ENV}
    os.environ.update(BENCH_ENV)
    real_stdout, sys.stdout = sys.stdout, _Sink()
    try:
        handlers = _handlers()
        samples: dict[str, list[float]] = {name: [] for name in handlers}
        for handler in handlers.values():  # warm-up: cold starts, caches, lazy imports
            for _ in range(50):
                handler(EVENT, CONTEXT)
        for _ in range(repeats):
            for name, handler in handlers.items():
                start = time.perf_counter_ns()
                for _ in range(invocations):
                    handler(EVENT, CONTEXT)
                samples[name].append((time.perf_counter_ns() - start) / invocations / 1000)
    finally:
        sys.stdout = real_stdout
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {name: statistics.median(values) for name, values in samples.items()}


_IMPORTS = {
    "observability": ("layer", "from observability import instrument, logger, metrics"),
    "observability (source only, no bytecode)": ("source", "from observability import instrument, logger, metrics"),
    "powertools Logger+Metrics+Tracer (import)": ("layer", "from aws_lambda_powertools import Logger, Metrics, Tracer"),
    "powertools Logger+Metrics+Tracer (import + create)":
        ("layer", "from aws_lambda_powertools import Logger, Metrics, Tracer; Logger(); Metrics(); Tracer()"),
}


def _import_seconds(statement: str, env: dict[str, str]) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def stage_layer(target: Path) -> Path:
    """Copy the layer's ``python/`` tree to ``target`` and byte-compile it as the deployed layer ships it.

    Unchecked-hash bytecode, like the CDK bundling does: /opt is read-only in Lambda, so without shipped
    bytecode every cold start compiles the package from source. (Powertools' site-packages has bytecode too.)

    Example
    -------
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     staged = stage_layer(Path(tmp) / "python")
    ...     any((staged / "observability" / "__pycache__").glob("health.*.pyc"))
    True
    """
    shutil.copytree(LAYER_DIR / "python", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
                    str(target)], check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    return target


def measure_imports(repeats: int = 21) -> dict[str, float]:
    """Median milliseconds to import each variant in a fresh interpreter (imports timed inside the process).

    Example
    -------
    >>> measure_imports(1)["observability"] > 0
    True
    """
    with tempfile.TemporaryDirectory() as tmp:
        staged = stage_layer(Path(tmp) / "python")
        base = {**os.environ, **BENCH_ENV, "PYTHONDONTWRITEBYTECODE": "1",
                "LAMBDA_TASK_ROOT": "/var/task"}  # as in Lambda: tracing on, so a created Tracer is real
        base.pop("ENABLE_TRACING"), base.pop("POWERTOOLS_TRACE_DISABLED")
        envs = {"layer": {**base, "PYTHONPATH": str(staged)},
                "source": {**base, "PYTHONPATH": str(LAYER_DIR / "python")}}
        for kind, statement in _IMPORTS.values():  # warm-up: fill the OS file cache
            _import_seconds(statement, envs[kind])
        samples: dict[str, list[float]] = {name: [] for name in _IMPORTS}
        for _ in range(repeats):
            for name, (kind, statement) in _IMPORTS.items():
                samples[name].append(_import_seconds(statement, envs[kind]) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def _lambda_pythons() -> list[str]:
    # Same search as the CDK bundling (stacks/layer/bundle.py; tools do not import stacks): real binaries only.
    found = []
    for version in ("3.12", "3.13"):
        candidates = [shutil.which(f"python{version}")] + sorted(
            glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")))
        for candidate in candidates:
            if candidate and "/shims/" not in candidate and subprocess.run(
                    [candidate, "-c", "pass"], capture_output=True).returncode == 0:
                found.append(candidate)
                break
    return found


def layer_zip_bytes() -> tuple[int, list[str]]:
    """Size of the layer zip as deployed (sources + bytecode per Lambda Python found), and those versions.

    Example
    -------
    >>> layer_zip_bytes()[0] < 1_000_000
    True
    """
    pythons = _lambda_pythons()
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "stage" / "python"
        shutil.copytree(LAYER_DIR / "python", staged, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for interpreter in pythons:
            subprocess.run([interpreter, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
                            str(staged)], check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
                           capture_output=True)
        target = Path(tmp) / "layer.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(staged.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(staged.parent).as_posix())
        assert not any("aws_lambda_powertools" in name for name in zipfile.ZipFile(target).namelist())
        return target.stat().st_size, [Path(p).name for p in pythons]


def run(invocations: int = 2000, repeats: int = 9, import_repeats: int = 21) -> Section:
    """Measure everything in one run and return the report section (the defaults are what ``make bench`` runs).

    Example
    -------
    >>> section = run(invocations=50, repeats=1, import_repeats=1)  # a quick, noisy run
    >>> section.name, section.data["targets"]
    ('layer', {'invocation_ratio_max': 1.15, 'import_ratio_max': 1.15})
    """
    per_call = measure_invocations(invocations, repeats)
    imports = measure_imports(import_repeats)
    zip_bytes, bytecode_for = layer_zip_bytes()
    ours, bare = per_call["observability"], per_call["powertools (Logger+Metrics+Tracer)"]
    data = {
        "invocation_us": {name: round(value, 1) for name, value in per_call.items()},
        "invocation_ratio_vs_powertools": round(ours / bare, 3),
        "invocation_ratio_vs_powertools_logger_metrics": round(ours / per_call["powertools (Logger+Metrics)"], 3),
        "invocation_ratio_vs_hand_written": round(ours / per_call["hand-written JSON"], 3),
        "import_ms": {name: round(value, 1) for name, value in imports.items()},
        "import_ratio_vs_powertools": round(
            imports["observability"] / imports["powertools Logger+Metrics+Tracer (import)"], 3),
        "import_ratio_source_only_vs_powertools": round(
            imports["observability (source only, no bytecode)"]
            / imports["powertools Logger+Metrics+Tracer (import)"], 3),
        "import_ratio_vs_powertools_created": round(
            imports["observability"] / imports["powertools Logger+Metrics+Tracer (import + create)"], 3),
        "layer_zip_bytes": zip_bytes,
        "layer_zip_bytecode_for": bytecode_for,
        "targets": {"invocation_ratio_max": 1.15, "import_ratio_max": 1.15},
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    rows = "\n".join(f"| {name} | {value:.1f} | {value / bare:.2f}x |" for name, value in per_call.items())
    import_rows = "\n".join(f"| {name} | {value:.1f} |" for name, value in imports.items())
    load = data["load_average_1min"]
    markdown = f"""Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load} at the end (other
work on the machine moves absolute times; ratios of interleaved runs are the figures to read).
3 log lines + 5 metrics per invocation, tracing off, output to a
discarding sink; median of {repeats} repeats x {invocations} invocations, variants interleaved.

| handler | µs / invocation | vs Powertools (3 decorators) |
|---|---:|---:|
{rows}

`@instrument` / bare Powertools: **{data['invocation_ratio_vs_powertools']}x** (target ≤ 1.15);
vs Logger+Metrics only: {data['invocation_ratio_vs_powertools_logger_metrics']}x;
vs hand-written JSON: {data['invocation_ratio_vs_hand_written']}x.

Cold import (fresh interpreter, LAMBDA_TASK_ROOT set, median of {import_repeats}; the layer as shipped, with bytecode):

| import | ms |
|---|---:|
{import_rows}

`observability` / Powertools import: **{data['import_ratio_vs_powertools']}x** (target ≤ 1.15); from source without
bytecode: {data['import_ratio_source_only_vs_powertools']}x; vs Powertools import + create:
{data['import_ratio_vs_powertools_created']}x. The Tracer (X-Ray SDK) is created on first use, so with tracing on
its import cost moves to the first traced invocation.

Layer zip: **{zip_bytes:,} bytes**: sources plus bytecode for {', '.join(bytecode_for) or 'no Lambda Python found'}
(no Powertools: it comes from the AWS-managed layer).
"""
    return Section(name="layer", title="Observability layer", markdown=markdown, data=data)
