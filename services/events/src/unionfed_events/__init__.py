"""unionfed events service."""
