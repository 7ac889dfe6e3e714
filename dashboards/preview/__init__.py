"""Preview: the deployed dashboard bodies, read back from synthesized templates and drawn as PNGs."""
