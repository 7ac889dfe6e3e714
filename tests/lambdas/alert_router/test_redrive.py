"""GIVEN dead letters in the router's DLQ, WHEN `make redrive` replays them through the router (in-process
here, Lambda invoke in production), THEN what now succeeds is delivered once and deleted, and the rest stays."""
from __future__ import annotations

import json

from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text
from tools.redrive import Redrive, redrive_request


def queued(world):
    attributes = world.sqs.get_queue_attributes(QueueUrl=world.dlq_url, AttributeNames=["ApproximateNumberOfMessages",
                                                                                       "ApproximateNumberOfMessagesNotVisible"])
    return sum(int(v) for v in attributes["Attributes"].values())


def test_failed_channel_is_replayed_alone_and_deleted(world):
    router = world.router()
    world.receiver.behaviour["/slack"] = [500]
    router.handle(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), 20_000)
    assert queued(world) == 1 and len(world.receiver.bodies("/v2/enqueue")) == 1
    world.receiver.behaviour["/slack"] = [200]  # the receiver has recovered
    summary = Redrive(world.sqs, world.dlq_url, invoke=lambda request: router.handle(request, 20_000)).run()
    assert (summary.replayed, summary.still_failing, summary.unrecognised) == (1, 0, 0)
    assert queued(world) == 0
    assert len(world.receiver.bodies("/v2/enqueue")) == 1  # PagerDuty was not paged twice
    assert world.receiver.bodies("/slack")[-1]["attachments"][0]["blocks"][0]["type"] == "header"


def test_what_still_fails_stays_in_the_dlq_without_duplicates(world):
    router = world.router()
    router.handle(sns_event("not a notification", world.topics["warning"]), 20_000)
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody="something else entirely")
    summary = Redrive(world.sqs, world.dlq_url, invoke=lambda request: router.handle(request, 20_000),
                      visibility_seconds=0).run(limit=2)
    assert (summary.replayed, summary.still_failing, summary.unrecognised) == (0, 1, 1)
    assert queued(world) == 2  # both kept, none added by the replay


def test_lambda_and_subscription_dlq_shapes_are_replayed(world):
    router = world.router()
    event = sns_event(fixture_text("cost_anomaly.json"), world.topics["warning"])
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=json.dumps(event))  # what Lambda's DLQ holds
    sns_message = dict(event["Records"][0]["Sns"], Message=fixture_text("budget.txt"))
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=json.dumps(sns_message))  # a subscription's DLQ
    summary = Redrive(world.sqs, world.dlq_url, invoke=lambda request: router.handle(request, 20_000)).run()
    assert summary.replayed == 2 and queued(world) == 0
    assert len(world.receiver.bodies("/teams")) == 2


def test_unknown_bodies_are_not_requests():
    assert redrive_request("plain text") is None
    assert redrive_request('{"record_type": "something"}') is None
    assert redrive_request("[1]") is None


def test_unknown_environment_is_one_line_exit_2(capsys):
    from tools.redrive import main

    assert main(["no-such-env"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "config error" in err


def test_a_redriven_unparseable_message_keeps_the_severity_of_its_topic(world):
    # GIVEN a message on the info topic that the router could not read (the fallback e-mail still goes to critical)
    router = world.router()
    router.handle(sns_event("a format this router version does not know", world.topics["info"]), 20_000)
    [letter] = world.dead_letters()
    [mail] = world.emails()
    assert mail["severity"] == "critical"
    # WHEN the router learns the format (simulated: the message is now a metric alarm) and the DLQ is replayed
    letter["sns"]["Message"] = fixture_text("metric_alarm.json")
    result = router.handle(redrive_request(json.dumps(letter)), 20_000)
    # THEN it is delivered as the info alert it was: to info's channel (Slack), and nobody is paged
    assert {(r["channel"], r["severity"], r["outcome"]) for r in result["records"]} == {("slack", "info", "delivered")}
    assert world.receiver.bodies("/v2/enqueue") == []


def test_a_lambda_dlq_event_with_a_malformed_record_stays_in_the_dlq(world):
    # GIVEN a Lambda-DLQ event holding one good SNS record and one without an 'Sns' object
    router = world.router()
    event = sns_event(fixture_text("cost_anomaly.json"), world.topics["warning"])
    event["Records"].append({"EventSource": "aws:sns"})
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=json.dumps(event))
    # WHEN the DLQ is replayed
    summary = Redrive(world.sqs, world.dlq_url, invoke=lambda request: router.handle(request, 20_000),
                      visibility_seconds=0).run(limit=1)
    # THEN the good record is delivered, but the message is kept: deleting it would lose the malformed record
    assert len(world.receiver.bodies("/teams")) == 1
    assert (summary.replayed, summary.still_failing) == (0, 1) and queued(world) == 1


def _dead_letter_flush_messages(world) -> list[str]:
    """Let SQS itself move the flush messages to the DLQ, as after repeated failed flushes: a redrive policy
    with maxReceiveCount 1, and one receive that never deletes."""
    dlq_arn = world.sqs.get_queue_attributes(QueueUrl=world.dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    world.sqs.set_queue_attributes(QueueUrl=world.flush_url, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})})
    taken = world.sqs.receive_message(QueueUrl=world.flush_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert world.sqs.receive_message(QueueUrl=world.flush_url, MaxNumberOfMessages=10).get("Messages") is None
    return [m["Body"] for m in taken.get("Messages", [])]


def test_a_dead_lettered_flush_message_is_redriven_into_one_group_message(world, clock):
    # GIVEN three warnings of one service held in a group, whose flush message SQS dead-lettered
    router = world.grouping_router(clock)
    for signal in ("Latency", "ColdStarts", "HighErrorRate"):
        doc = json.loads(fixture_text("metric_alarm.json"))
        name = f"watchtower-prod-orders-api-{signal}-warning"
        doc.update(AlarmName=name, AlarmArn=f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}")
        router.handle(sns_event(json.dumps(doc), world.topics["warning"]), 20_000)
    clock.advance(31)
    [flush_body] = _dead_letter_flush_messages(world)
    assert queued(world) == 1
    assert world.receiver.bodies("/slack") == []
    # WHEN make redrive replays the DLQ
    invoke = lambda request: router.handle(request, 20_000)  # noqa: E731
    summary = Redrive(world.sqs, world.dlq_url, invoke=invoke).run()
    # THEN the group goes out as one message per grouped channel, listing all three, and the DLQ is empty
    assert (summary.replayed, summary.still_failing, summary.unrecognised) == (1, 0, 0) and queued(world) == 0
    [slack] = world.receiver.bodies("/slack")
    assert all(signal in json.dumps(slack) for signal in ("Latency", "ColdStarts", "HighErrorRate"))
    [teams] = world.receiver.bodies("/teams")
    assert "3 warning alerts" in json.dumps(teams)
    # AND replaying the same flush again (a duplicate dead letter) sends nothing twice
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=flush_body)
    again = Redrive(world.sqs, world.dlq_url, invoke=invoke).run()
    assert again.replayed == 1 and queued(world) == 0 and len(world.receiver.bodies("/slack")) == 1
    assert "is no longer held" in world.log.getvalue()


def test_a_flush_request_without_its_group_is_kept(world):
    router = world.router()
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=json.dumps({"router_flush": {"due_at": 1}}))
    summary = Redrive(world.sqs, world.dlq_url, invoke=lambda request: router.handle(request, 20_000),
                      visibility_seconds=0).run(limit=1)
    assert (summary.replayed, summary.still_failing) == (0, 1) and queued(world) == 1
