"""Calendar feeds (RFC 5545): the network's feed, one event's file, and the function both are made with."""
