"""Sova runtime: knows no particular plugin."""
