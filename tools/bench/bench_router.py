"""Router throughput (notifications per second, in-process, moto behind it, a local webhook receiver), cold
import time of the Lambda handler module, and the alert storm: 200 notifications for 10 services within one
simulated minute against webhooks that take one request per second (wall time, messages sent per channel,
429s, and what became of every notification)."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools.report import Section

__all__ = ["run"]

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "lambdas" / "alert_router" / "fixtures"
NOTIFICATIONS = 300
IMPORT_RUNS = 5


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


def _cold_import_ms() -> float:
    probe = "import time; t = time.perf_counter(); import lambdas.alert_router.app; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout) * 1000 for _ in range(IMPORT_RUNS)]
    return statistics.median(runs)


def _throughput() -> dict[str, float]:
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"})
    import io
    import logging

    import boto3
    from aws_lambda_powertools import Logger
    from moto import mock_aws

    from lambdas.alert_router.router import Router
    from lambdas.alert_router.settings import RouterSettings

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    alarm = json.loads((FIXTURES / "metric_alarm.json").read_text())
    try:
        with mock_aws():
            sns, sqs = boto3.client("sns"), boto3.client("sqs")
            ddb, sm = boto3.client("dynamodb"), boto3.client("secretsmanager")
            topic = sns.create_topic(Name="bench-alerts-warning")["TopicArn"]
            email = sns.create_topic(Name="bench-alerts-email")["TopicArn"]
            dlq = sqs.create_queue(QueueName="bench-dlq")["QueueUrl"]
            ddb.create_table(TableName="bench-dedup", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
            sm.create_secret(Name="bench/slack", SecretString=url)
            settings = RouterSettings(routes={"warning": {"slack": "bench/slack", "email": None}}, dlq_url=dlq,
                                      email_topic_arn=email, dedup_table_name="bench-dedup", reserve_ms=0)
            logger = Logger(service="router-bench", logger_handler=logging.StreamHandler(io.StringIO()))
            router = Router(settings, sqs=sqs, sns=sns, dynamodb=ddb, secrets=sm, logger=logger)
            outcomes: dict[str, int] = {}
            started = time.perf_counter()
            for index in range(NOTIFICATIONS):
                # A distinct alarm each time, so every notification takes the full path (dedup write, delivery).
                message = json.dumps({**alarm, "AlarmName": f"bench-{index}", "AlarmArn": f"{alarm['AlarmArn']}-{index}"})
                event = {"Records": [{"Sns": {"MessageId": f"m-{index}", "TopicArn": topic, "Message": message}}]}
                for record in router.handle(event, 60_000)["records"]:
                    outcomes[record["outcome"]] = outcomes.get(record["outcome"], 0) + 1
            elapsed = time.perf_counter() - started
    finally:
        server.shutdown()
    return {"notifications": NOTIFICATIONS, "seconds": elapsed, "per_second": NOTIFICATIONS / elapsed,
            **{f"outcome_{k}": v for k, v in sorted(outcomes.items())}}


def _storm() -> dict[str, object]:
    from tests.lambdas.alert_router.storm import run_storm

    report = run_storm(window_seconds=30)
    return {
        "notifications": len(report.notifications),
        "wall_seconds": report.wall_seconds,
        "messages": report.messages_per_channel(),
        "throttled": report.throttled,
        "classes": dict(sorted(report.classes.items())),
        "dead_letters": len(report.dead_letters),
    }


def run() -> Section:
    """Measure and return the router's section of BENCHMARKS.md/.json.

    Example
    -------
    >>> run().name  # doctest: +SKIP
    'router'
    """
    throughput = _throughput()
    import_ms = _cold_import_ms()
    storm = _storm()
    messages = storm["messages"]
    sent = ", ".join(f"{channel} {count}" for channel, count in messages.items())
    throttled = ", ".join(f"{path} {count}" for path, count in sorted(storm["throttled"].items())) or "none"
    classes = ", ".join(f"{name} {count}" for name, count in storm["classes"].items())
    markdown = "\n".join([
        "| measure | value |",
        "|---|---|",
        f"| throughput, in-process, moto + local webhook (Slack + e-mail per alert) | "
        f"{throughput['per_second']:.0f} notifications/s ({NOTIFICATIONS} in {throughput['seconds']:.2f} s) |",
        f"| cold import of `lambdas.alert_router.app` (median of {IMPORT_RUNS} fresh interpreters) | {import_ms:.0f} ms |",
        "",
        "Each notification is a distinct CloudWatch alarm: parse, maintenance check, DynamoDB conditional write, "
        "Slack POST and e-mail publish. Outcomes: "
        + ", ".join(f"{k.removeprefix('outcome_')} {v}" for k, v in throughput.items() if k.startswith("outcome_")),
        "",
        "Alert storm (in-process: moto, 3 concurrent router instances, webhooks on 127.0.0.1 that accept one "
        "request per second each and answer 429 with Retry-After beyond it; 30 s grouping window on a simulated "
        "clock, real waits for Retry-After):",
        "",
        "| measure | value |",
        "|---|---|",
        f"| notifications (10 services, one minute) | {storm['notifications']} |",
        f"| wall time | {storm['wall_seconds']:.1f} s |",
        f"| messages sent per channel | {sent} |",
        f"| 429 answers per webhook | {throttled} |",
        f"| outcome per notification and channel | {classes} |",
    ])
    return Section(name="router", title="Alert router", markdown=markdown,
                   data={**{k: round(v, 3) if isinstance(v, float) else v for k, v in throughput.items()},
                         "cold_import_ms": round(import_ms, 1),
                         "storm": {**storm, "wall_seconds": round(float(storm["wall_seconds"]), 2)}})


if __name__ == "__main__":
    print(json.dumps(run().data, indent=2))
