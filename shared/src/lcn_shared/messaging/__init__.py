"""Reliable messaging: the transactional outbox and its relay, the inbox, retries and dead letters."""
