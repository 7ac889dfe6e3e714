"""Cost checker Lambda: reads Cost Explorer hourly and emits the estimated hourly cost and daily cost by service
as CloudWatch embedded-metric-format (EMF) log lines.

Deployed as a package (handler ``cost_checker.handler.handler``); boto3 comes from the Lambda runtime.
"""
