"""The hash-chained audit log of every action on every assignment."""
