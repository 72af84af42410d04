"""unionfed finance service."""
