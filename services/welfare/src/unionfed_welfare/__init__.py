"""unionfed welfare service."""
