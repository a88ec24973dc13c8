"""The routing service: body registry, jurisdiction rules, routing decisions, review queue."""
