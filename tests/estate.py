"""One service's resources using every kind beyond the serverless core plus per-route alarms, with each optional
family's switch on: a fixture for tests that need every kind on one service (the example estate under
examples/estate spreads the kinds over three services, as a team would)."""
from __future__ import annotations

__all__ = ["ACCOUNT", "ESTATE"]

ACCOUNT = "123456789012"
ESTATE = {
    "functions": [{"name": "estate-api", "timeout_seconds": 10}],
    "rest_apis": [{"name": "estate-rest", "stage": "live", "routes": ["POST /orders", "GET /orders/{id}"]}],
    "http_apis": [{"name": "estate-http", "api_id": "a1b2c3d4e5", "routes": ["PUT /cart"]}],
    "tables": ["estate-orders"],
    "queues": [{"name": "estate-jobs", "dlq": "estate-jobs-dlq"}],
    "state_machines": ["estate-fulfil"],
    "event_rules": ["estate-order-placed"],
    "topics": ["estate-events"],
    "kinesis_streams": [f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/estate-clicks"],
    "firehose_streams": ["estate-archive"],
    "appsync_apis": [{"name": "estate-graph", "api_id": "abcdefghijklmnopqrstuvwxyz"}],
    "websocket_apis": [{"name": "estate-chat", "api_id": "b1b2c3d4e5", "stage": "live"}],
    "load_balancers": [{"name": f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/estate/"
                                "50dc6c495c0c9188",
                        "target_groups": ["targetgroup/web/73e2d6bc24d8a067",
                                          {"id": "targetgroup/fn/73e2d6bc24d8a068", "lambda_target": True}]}],
    "ecs_services": [{"cluster": "estate", "service": "estate-web", "container_insights": True,
                      "min_running_tasks": 2}],
    "aurora_clusters": [{"name": "estate-db", "serverless_v2": True}],
    "cloudfront_distributions": [{"name": "E2QWRUHEXAMPLE", "additional_metrics": True}],
    "buckets": [{"name": "estate-uploads", "request_metrics_filter": "EntireBucket"}, "estate-backups"],
    "schedule_groups": ["estate-billing"],
    "pipes": ["estate-orders-pipe"],
    "ses_configuration_sets": ["estate-receipts"],
}
