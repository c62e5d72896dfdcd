"""The unit's numbers: Simfoni-style recaps, SOP compliance, the head's dashboard figures. SQL aggregates over a
SQLAlchemy session, the same code on SQLite and PostgreSQL; no Flask (the screens are in `views/`)."""
