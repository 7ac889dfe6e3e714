"""Monitoring constructs: metric factories per resource kind (metrics/), the alarm catalog, the alarm factory,
composites, maintenance windows and discovery of resources from a service's template."""
