"""Collection of debt (issue 11): warnings before suspension, disconnection and reconnection
orders and their field records. ``hooks`` is where installment plans and complaints tell the
warning run whom to leave out."""
