"""The PostgreSQL storage backend."""
