"""Monitoring constructs: metric factories per resource kind (metrics/), the alarm factory, composites and
maintenance windows. The alarm catalog and template discovery are plain data in plan/."""
