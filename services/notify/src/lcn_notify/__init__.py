"""The notify service: partners' subscriptions, and delivery by signed webhooks and e-mail."""
