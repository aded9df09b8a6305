"""What the JSON API shares: reading fields from a request, writing answers, and its own description."""
