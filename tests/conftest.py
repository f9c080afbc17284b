pytest_plugins = ["tests.standins.discord.fixtures", "tests.fixtures"]
