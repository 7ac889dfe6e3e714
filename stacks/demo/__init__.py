"""The demo weight-validation service (dev): REST API -> Lambda (instrumented with the layer) -> DynamoDB."""
