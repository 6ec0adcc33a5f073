"""Domain operations. No Qt here: services take primitives and a Database, enforce permissions,
validate, write in one transaction and return frozen dataclasses."""
