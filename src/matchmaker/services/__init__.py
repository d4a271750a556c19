"""Business rules and transactions, one module per domain. Nothing here imports GraphQL."""
