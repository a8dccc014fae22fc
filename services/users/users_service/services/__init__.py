"""Business rules, as keyword-only functions over the database session."""
