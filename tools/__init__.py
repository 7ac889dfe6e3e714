"""Offline tools: they read synthesized templates and config, never import stacks/."""
