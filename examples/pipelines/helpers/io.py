"""Shared by the demo steps: read the generated CSV."""
import csv


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
