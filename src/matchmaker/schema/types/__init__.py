"""GraphQL object types, one module per type."""
