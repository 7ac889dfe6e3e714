"""The observability layer as CDK: the AWS-managed Powertools layer ARN, and our own LayerVersion."""
