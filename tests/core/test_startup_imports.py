"""What a SQLite bot does not use, it does not load at start-up (issue 16: memory at the floor).

``python -m bot run`` imports the CLI, the runner and the Discord platform; none of them may
pull in the PostgreSQL driver, the YAML readers or the top-k search index (tantivy), which
load with their first use (the index with the first search).
"""

from __future__ import annotations

import subprocess
import sys

STARTUP = (
    "import bot.cli, bot.runner, bot.app, bot.platforms.runtime, "
    "bot.adapters.discord.platform, bot.adapters.discord.client"
)
LOADED_ON_USE = (
    "asyncpg",
    "bot.storage.postgres",
    "yaml",
    "frontmatter",
    "tantivy",
    "bot.storage.search_topk",
)


def test_the_bot_starts_without_the_postgresql_driver_yaml_or_the_search_index() -> None:
    probe = f"{STARTUP}; import sys; print('\\n'.join(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()

    assert [name for name in LOADED_ON_USE if name in loaded] == []
    assert "bot.adapters.discord.cogs.editor" in loaded  # the probe did import the bot
