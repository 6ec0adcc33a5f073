"""Printed documents: reportlab, plain data in, PDF bytes out.

Nothing here opens a database session or imports Qt, so documents print on a server with no
display. ``document`` holds the page frame every office document shares (office header, print
date, operator code, page numbers) and the building blocks (sections, field grids, tables).
"""
