from tests.discord_bot.conftest import BotWorld


async def test_brief_latest_shows_the_newest_entries(world: BotWorld) -> None:
    s = world.server
    reply = await world.discord.run_command(s.guild, s.reader, "brief latest", channel=s.channel)
    assert len(reply.embeds) == 5
    assert "Yoon" in reply.embeds[0]["title"]
