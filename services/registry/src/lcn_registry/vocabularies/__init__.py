"""The controlled vocabularies, served so that clients need no hard-coded lists."""
