#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every header outside tests/ guards itself with KASLBOOT_<PATH>_H, its path upper-cased
with each character that is not a letter or digit made '_' (lib/err.h: KASLBOOT_LIB_ERR_H),
in its first #ifndef/#define pair. Run by `make lint`; prints each header that breaks it.
--fix renames a wrong guard in place (what a header moved to another folder needs).

    scripts/header-guards.py [--root DIR] [--fix]"""

import argparse
import re
import subprocess
import sys

GUARD = re.compile(r"^#ifndef (\w+)\n#define (\w+)\n", re.M)


def wanted(path):
    return "KASLBOOT_" + re.sub(r"[^A-Za-z0-9]", "_", path).upper()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=".")
    ap.add_argument("--fix", action="store_true")
    args = ap.parse_args()
    files = subprocess.run(["git", "-C", args.root, "ls-files", "*.h"], check=True,
                           capture_output=True, text=True).stdout.split()
    bad = 0
    for path in files:
        if path.startswith("tests/"):
            continue
        full = "%s/%s" % (args.root, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        m = GUARD.search(text)
        want = wanted(path)
        if not m or m.group(1) != m.group(2):
            print("header-guards: %s: no #ifndef/#define pair (want %s)" % (path, want))
            bad += 1
        elif m.group(1) != want and args.fix:
            text = text[:m.start()] + "#ifndef %s\n#define %s\n" % (want, want) + text[m.end():]
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
            print("header-guards: %s: guard renamed to %s" % (path, want))
        elif m.group(1) != want:
            print("header-guards: %s: guard %s, want %s (--fix renames it)" % (path, m.group(1), want))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
