#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Reports include cycles among kaslboot's own files; run by `make layers`.

    scripts/include-cycles.py [--root DIR] [--modules]

Each `#include "..."` of a .c, .h or .S file is resolved as the compiler does with -I.:
against the project root first, then against the including file's folder. Angle includes
and files that do not exist (generated headers) are left out. A cycle is a strongly
connected set of files; each is printed on one line and the exit status is 1.

--modules joins a .c with its .h (lib/log.c and lib/log.h are one node "lib/log"), so
that it also finds two modules that depend on each other through their .c files: what
header guards hide from the compiler but still ties two files into one."""

import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
SOURCE_EXT = (".c", ".h", ".S")
SKIP_DIRS = {".git", "build"}


def project_files(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for f in sorted(files):
            if f.endswith(SOURCE_EXT):
                yield os.path.relpath(os.path.join(top, f), root)


def resolve(root, includer, name):
    for base in ("", os.path.dirname(includer)):
        rel = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(root, rel)):
            return rel
    return None


def graph(root, modules):
    node = (lambda p: os.path.splitext(p)[0]) if modules else (lambda p: p)
    edges = {}
    for path in project_files(root):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        out = edges.setdefault(node(path), set())
        for name in INCLUDE.findall(text):
            target = resolve(root, path, name)
            if target is not None and node(target) != node(path):
                out.add(node(target))
            elif target is not None and target == path:
                out.add(node(path))     # a file that includes itself
    return edges


def cycles(edges):
    """Tarjan's strongly connected components of more than one node, or with a self-loop."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        # Iterative, so that a deep include chain cannot hit Python's recursion limit.
        work = [(v, iter(sorted(edges.get(v, ()))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            u, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on_stack:
                    low[u] = min(low[u], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[u])
            if low[u] == index[u]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    scc.append(w)
                    if w == u:
                        break
                if len(scc) > 1 or u in edges.get(u, ()):
                    found.append(sorted(scc))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=".")
    ap.add_argument("--modules", action="store_true")
    args = ap.parse_args()
    found = cycles(graph(args.root, args.modules))
    for scc in found:
        print("include-cycles: these include each other: %s" % " ".join(scc), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
