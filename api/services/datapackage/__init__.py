"""A body's data as a Frictionless data package: the descriptor, its export and its import."""
