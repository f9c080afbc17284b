pytest_plugins = ["tests.standins.discord.fixtures", "tests.fixtures", "tests.pg_cluster"]
