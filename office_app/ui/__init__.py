"""PySide6 user interface. Widgets reach the domain only through services, run by the
background-operation helper in operations.py."""
