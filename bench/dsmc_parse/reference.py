#!/usr/bin/env python3
"""The seed-000 (Cinder TSM driver) output check, reimplemented as the reference point.

For every line: key = text before the first ':', value = the rest stripped, into one dict;
then the driver looks up `Total number of objects backed up`. Usage: reference.py FILE.
Prints the number of keys and the value it found, so the work cannot be skipped.
"""
import sys


def check_dsmc_output(text):
    parsed = {}
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep:
            parsed[key] = value.strip()
    return parsed


def main():
    with open(sys.argv[1], "r", encoding="utf-8", errors="replace") as f:
        text = f.read()
    parsed = check_dsmc_output(text)
    print(len(parsed), parsed.get("Total number of objects backed up"))


if __name__ == "__main__":
    main()
