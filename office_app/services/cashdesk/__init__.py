"""The cash desk: drawers, the counter, supervisors' reprints and reversals, the daily report."""
