"""Same subject, many sources: clues about one person linked across agencies."""
