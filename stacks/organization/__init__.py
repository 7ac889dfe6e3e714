"""Cross-account observability: the OAM sink, the source accounts' links, the shared layer and fleet alarms."""
