"""``make discover ENV=..``: find each discovered service's resources by tag in live accounts (read-only) and
write them to the lock file ``config/discovered/ENV.yaml``, which synth reads offline.

Modules: ``arns`` (ARN -> resource kind), ``engine`` (the AWS reads, read-only by a guard), ``targets``
(which accounts and regions, which role), ``lock`` (the file), ``__main__`` (the command).
"""
from tools.discover.engine import Discovered, DiscoverError, Target, discover

__all__ = ["DiscoverError", "Discovered", "Target", "discover"]
