"""The application layer: one use case per user action, shared by every platform adapter."""
