"""``python -m bot`` is the same as ``briefbot``."""

import sys

from bot.cli import main

sys.exit(main())
