"""unionfed membership service."""
