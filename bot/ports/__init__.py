"""Ports: what the use cases need from storage, as Protocols.

They sit in the application layer, next to their users (``bot.service``, ``bot.delivery``,
``bot.scheduling``, ``bot.corrections``), and import only the domain: a backend (today
SQLite, in ``bot.storage``) satisfies them structurally without importing them, so the
dependency points inwards, and a second backend plugs in by implementing the same methods
and passing ``tests/contract``.
"""
