"""Billing (issue 5): tariffs, the monthly billing run, invoices, corrections, late interest.

The arithmetic is pure (``pricing``, ``interest``): plain data in, exact Decimal amounts out,
tested number by number. The modules around it load that data in units of work, post the
results through the one ledger service (``office_app.services.ledger``) and number documents
through the one numbering service (``office_app.services.numbering``).
"""
