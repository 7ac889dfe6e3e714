"""``make redrive ENV=name``: replay the alert router's dead-letter queue through the router.

Each DLQ message is sent back to the router function as a redrive request; the router delivers it (to the
failed channel only, skipping de-duplication and maintenance windows) and the message is deleted only when
every delivery succeeded. Three shapes are recognised: the router's own dead letters, events Lambda put
there after the function failed, SNS messages the subscriptions could not deliver, and grouping flush messages
the flush queue gave up on (after five failed receives): replaying one delivers its group, which the router keeps
for a day.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Callable

from tools.cli import ArgumentParser, positive_int

__all__ = ["redrive_request", "Redrive", "RedriveSummary", "main"]

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def redrive_request(body: str) -> dict[str, Any] | None:
    """The router event replaying one DLQ message body, or None when the body is not one the router wrote.

    Example
    -------
    >>> redrive_request('{"record_type": "dead_letter", "sns": {"Message": "x"}, "channel": "slack"}')["router_redrive"]["dead_letter"]["channel"]
    'slack'
    """
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    if doc.get("record_type") == "dead_letter" and isinstance(doc.get("sns"), dict):
        return {"router_redrive": {"dead_letter": doc}}
    if isinstance(doc.get("router_flush"), dict):  # the grouping flush queue's dead letter: a group to deliver
        return {"router_redrive": {"flush": doc["router_flush"]}}
    if isinstance(doc.get("Records"), list):  # Lambda's own DLQ: the event that failed
        return {"router_redrive": {"sns_event": doc}}
    if doc.get("Type") == "Notification" and "Message" in doc:  # an SNS subscription's DLQ: the SNS message
        return {"router_redrive": {"sns_event": {"Records": [{"Sns": doc}]}}}
    return None


@dataclass
class RedriveSummary:
    """What one run did."""

    replayed: int = 0
    still_failing: int = 0
    unrecognised: int = 0

    def line(self) -> str:
        """One line for the operator."""
        return (f"redrive: {self.replayed} replayed and deleted, {self.still_failing} still failing (left in the DLQ), "
                f"{self.unrecognised} not recognised (left in the DLQ)")


class Redrive:
    """Replays up to ``limit`` messages of ``queue_url`` through ``invoke`` (the router function).

    Example
    -------
    >>> import boto3
    >>> from moto import mock_aws
    >>> with mock_aws():
    ...     sqs = boto3.client("sqs", region_name="us-east-1")
    ...     url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    ...     _ = sqs.send_message(QueueUrl=url, MessageBody='{"router_flush": {"group": "g"}}')
    ...     _ = sqs.send_message(QueueUrl=url, MessageBody="not json")
    ...     Redrive(sqs, url, invoke=lambda request: {"redrive_ok": True}).run()
    RedriveSummary(replayed=1, still_failing=0, unrecognised=1)
    """

    def __init__(self, sqs: Any, queue_url: str, invoke: Invoke, visibility_seconds: int = 300) -> None:
        self._sqs, self._url, self._invoke = sqs, queue_url, invoke
        self._visibility = visibility_seconds

    def run(self, limit: int | None = None) -> RedriveSummary:
        """Replay messages until the queue looks empty or ``limit`` were handled.

        A message that fails stays invisible for ``visibility_seconds``, so one run never loops on it.
        """
        summary = RedriveSummary()
        handled = 0
        while limit is None or handled < limit:
            batch = self._sqs.receive_message(QueueUrl=self._url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                              VisibilityTimeout=self._visibility).get("Messages", [])
            if not batch:
                break
            for message in batch:
                if limit is not None and handled >= limit:
                    # Over the limit: make it visible again for the next run.
                    self._sqs.change_message_visibility(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"],
                                                        VisibilityTimeout=0)
                    continue
                handled += 1
                request = redrive_request(message["Body"])
                if request is None:
                    summary.unrecognised += 1
                    continue
                try:
                    response = self._invoke(request)
                except Exception as exc:  # the function or the SDK failed: keep the message
                    print(f"redrive: invoke failed ({type(exc).__name__}: {exc}); message kept", file=sys.stderr)
                    response = {}
                if response.get("redrive_ok"):
                    self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
                    summary.replayed += 1
                else:
                    summary.still_failing += 1
        return summary


def lambda_invoker(lambda_client: Any, function_name: str) -> Invoke:
    """Invoke the router synchronously and return its JSON answer (an error answer counts as a failure).

    Example
    -------
    >>> import io
    >>> class FakeLambda:  # answers like boto3's lambda client
    ...     def invoke(self, **kwargs):
    ...         return {"Payload": io.BytesIO(b'{"redrive_ok": true}')}
    >>> lambda_invoker(FakeLambda(), "watchtower-dev-alert-router")({"router_redrive": {}})
    {'redrive_ok': True}
    """
    def invoke(request: dict[str, Any]) -> dict[str, Any]:
        answer = lambda_client.invoke(FunctionName=function_name, InvocationType="RequestResponse",
                                      Payload=json.dumps(request).encode())
        payload = json.loads(answer["Payload"].read() or b"{}")
        return {} if answer.get("FunctionError") else payload

    return invoke


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.redrive ENV [--limit N]``; exit 0 when everything replayed, 1 if some remain, 2 on error.

    Example
    -------
    >>> main(["prod", "--limit", "50"])  # doctest: +SKIP
    0
    """
    parser = ArgumentParser(prog="make redrive ENV=<name>", description="Replay the alert router's DLQ.")
    parser.add_argument("env", help="environment name (config/<env>.yaml)")
    parser.add_argument("--limit", type=positive_int, default=None, help="replay at most this many messages")
    args = parser.parse_args(argv)
    from config.loader import ConfigError, load_config

    try:
        cfg = load_config(args.env)
    except ConfigError as exc:
        print(f"redrive: config error: {exc.lines[0] if exc.lines else exc}", file=sys.stderr)
        return 2
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    function_name = f"{cfg.app}-{cfg.env}-alert-router"  # the router's name contract (stacks/routing/router.py)
    try:
        session = boto3.session.Session(region_name=cfg.region) if cfg.region else boto3.session.Session()
        sqs = session.client("sqs")
        queue_url = sqs.get_queue_url(QueueName=f"{function_name}-dlq")["QueueUrl"]
        summary = Redrive(sqs, queue_url, lambda_invoker(session.client("lambda"), function_name)).run(args.limit)
    except (BotoCoreError, ClientError) as exc:
        print(f"redrive: AWS error: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    print(summary.line())
    return 0 if summary.still_failing == 0 and summary.unrecognised == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
