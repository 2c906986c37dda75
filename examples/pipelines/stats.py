"""Counts the rows of the dataset. Inputs and outputs arrive as --name VALUE (outputs: a path to write)."""
import argparse

from helpers.io import read_rows

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="path of the input dataset")
parser.add_argument("--count", required=True, help="file to write the row count to")
args = parser.parse_args()

rows = read_rows(args.data)
print(f"{len(rows)} rows")
with open(args.count, "w") as f:
    f.write(str(len(rows)))
