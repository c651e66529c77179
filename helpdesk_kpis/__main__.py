"""``python -m helpdesk_kpis``: the same command line as ``helpdesk-kpis``."""

import sys

from helpdesk_kpis.cli import main

sys.exit(main())
