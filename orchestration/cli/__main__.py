"""`python -m orchestration.cli ...` is `wholeplace ...`."""

import sys

from orchestration.cli.main import main

sys.exit(main())
