"""The distribution overview of the registry and the exports of its records."""
