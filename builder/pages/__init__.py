"""What every page family shares: addresses, navigation, markup filters, the Jinja environment."""
