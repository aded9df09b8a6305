"""Backups: a consistent, verified copy of the database while the app runs, kept by day and month, restorable."""
