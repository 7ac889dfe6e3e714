"""Newer CloudWatch alarm features applied across the app: warm-up for paging alarms (warm_up.py)."""
