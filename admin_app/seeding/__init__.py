"""Loading reference data and demo data into the database (used by `flask seed`)."""
