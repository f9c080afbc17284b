"""The public web archive: a read-only inbound adapter over the briefing's use cases."""
