"""SLO burn-rate alerting: the window table (windows.py), SLI metrics (signals.py) and the alarms and composites
of one service's SLOs (burn_rate.py)."""
