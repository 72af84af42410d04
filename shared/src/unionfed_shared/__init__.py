"""What every unionfed service shares: event contracts and the messaging/observability kit."""
