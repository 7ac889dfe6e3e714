"""CDK stacks (one module per stack) and the constructs they compose (one package per concern)."""
