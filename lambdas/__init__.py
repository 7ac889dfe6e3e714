"""Lambda function code, one folder per function (runtime code only)."""
