"""Per-environment configuration: YAML files validated by pydantic models at synth time."""
