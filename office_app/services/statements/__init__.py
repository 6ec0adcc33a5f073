"""Bank and post statements: parsing (camt.053/054, post CSV), matching, importing, the
unmatched queue."""
