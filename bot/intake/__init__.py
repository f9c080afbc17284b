"""Intake: feeds and pasted links read into an editors' review queue (nothing reaches readers
without an editor's decision)."""
