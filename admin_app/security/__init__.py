"""Cross-cutting protection: password hashing, access rules, audit. Plain Python where it can be."""
