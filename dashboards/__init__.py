"""Dashboard builders: pure functions from config (and the alarms created) to CloudWatch dashboard bodies."""
