"""Festival greetings, health checks, insurance and donation drives (being built)."""
