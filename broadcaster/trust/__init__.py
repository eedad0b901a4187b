"""Keys, signed statements and their verification: trust that travels with the data."""
