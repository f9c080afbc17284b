"""A toy platform, as a newcomer would add Matrix or Telegram: this folder plus one
registry line, nothing else in the bot edited."""
