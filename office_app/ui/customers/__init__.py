"""The customer register tab."""
