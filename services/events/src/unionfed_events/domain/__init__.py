"""Rules of the events service: no I/O."""
