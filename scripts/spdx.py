#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every file git tracks starts with kaslboot's SPDX-License-Identifier line (LICENSE), in
the comment syntax of its kind: line 1, or line 2 after a shebang. Files that cannot carry
a comment (fuzz inputs, documents) are listed in ALLOWED below.

    scripts/spdx.py [--root DIR]          list the files that lack the line; exit 1 if any
    scripts/spdx.py --fix [--root DIR]    insert the line where it is missing

`make licence` (run by `make unit`) checks; `--fix` is what a merge of new files runs.
A file of a kind not known here fails the check: add its kind to KINDS or to ALLOWED."""

import argparse
import fnmatch
import os
import subprocess
import sys

LICENSE_ID = "BSD-2-Clause"
TAG = "SPDX-License-Identifier: " + LICENSE_ID

# Files that hold no comment: the fuzz targets read their corpora byte for byte, and prose
# is covered by LICENSE itself.
ALLOWED = [
    "LICENSE",
    "THIRD-PARTY",
    "README",
    "docs/*.md",
    "tests/fuzz/corpus/*",
    "tests/fuzz/regressions/*",
]

C_LINE = "/* " + TAG + " */"
HASH_LINE = "# " + TAG
DTS_LINE = "// " + TAG

# The first line by file name (a pattern on the base name); a file with a shebang takes
# HASH_LINE after it.
KINDS = [
    ("*.c", C_LINE), ("*.h", C_LINE), ("*.S", C_LINE), ("*.lds", C_LINE),
    ("*.dts", DTS_LINE),
    ("*.dtso", DTS_LINE),
    ("*.py", HASH_LINE), ("*.sh", HASH_LINE), ("*.mk", HASH_LINE), ("Makefile", HASH_LINE),
    ("*.conf", HASH_LINE), ("*.service", HASH_LINE), ("*.install", HASH_LINE),
    (".gitignore", HASH_LINE), (".editorconfig", HASH_LINE), (".clang-format", HASH_LINE),
    ("*.suppressions", HASH_LINE),
]


def allowed(path):
    return any(fnmatch.fnmatchcase(path, pat) for pat in ALLOWED)


def wanted_line(path, first):
    """The SPDX line for this file, or None for a kind this script does not know."""
    if first.startswith("#!"):
        return HASH_LINE
    name = os.path.basename(path)
    for pat, line in KINDS:
        if fnmatch.fnmatchcase(name, pat):
            return line
    return None


def tracked(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                         capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p]


def check_file(root, path):
    """None if the file is fine, else why it is not."""
    with open(os.path.join(root, path), "rb") as f:
        head = f.read(4096).decode("utf-8", "replace").split("\n")
    first = head[0]
    line = wanted_line(path, first)
    if line is None:
        return "a file of unknown kind: give it an SPDX line (scripts/spdx.py KINDS) or allow-list it"
    if len(head) > 1 and head[1].startswith("#!"):
        return "a shebang on line 2: it works only on line 1, the SPDX line goes after it"
    where = 1 if first.startswith("#!") else 0
    if len(head) > where and head[where].rstrip("\r") == line:
        return None
    return "no '%s' on line %d" % (line, where + 1)


def fix_file(root, path):
    full = os.path.join(root, path)
    with open(full, "rb") as f:
        data = f.read()
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    line = wanted_line(path, first)
    if line is None:
        return False
    ins = (line + "\n").encode()
    if first.startswith("#!"):
        nl = data.index(b"\n") + 1 if b"\n" in data else len(data)
        data = data[:nl] + ins + data[nl:]
    else:
        data = ins + data
    with open(full, "wb") as f:
        f.write(data)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=".")
    ap.add_argument("--fix", action="store_true")
    args = ap.parse_args()
    bad = []
    for path in tracked(args.root):
        # A tracked file deleted in the work tree is git's business, not ours.
        if allowed(path) or not os.path.isfile(os.path.join(args.root, path)):
            continue
        why = check_file(args.root, path)
        if why is None:
            continue
        if args.fix and fix_file(args.root, path):
            print("spdx: added to %s" % path)
            continue
        bad.append((path, why))
    for path, why in bad:
        print("spdx: %s: %s" % (path, why), file=sys.stderr)
    if bad:
        print("spdx: %d file(s) without their SPDX line (LICENSE, docs/hacking.md)" % len(bad),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
