"""The test harness: real PostgreSQL and a real Kafka-protocol broker, clean state per test."""
