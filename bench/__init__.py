"""`make bench`: the app's performance against its budgets (see README, Performance).
Run from the repository root: `python -m bench`."""
