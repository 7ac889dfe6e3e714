"""Alert router Lambda: SNS severity topics, direct alarm actions and EventBridge -> Slack, PagerDuty, Teams, e-mail.

Kept import-free so that ``python -m lambdas.alert_router preview`` loads no AWS SDK.
"""
