"""Alert router Lambda: SNS severity topics -> Slack, PagerDuty, Teams and e-mail.

Kept import-free so that ``python -m lambdas.alert_router preview`` loads no AWS SDK.
"""
