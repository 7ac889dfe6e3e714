"""``python -m lambdas.alert_router preview ...``: see preview.py."""
import sys

from .preview import main

sys.exit(main())
