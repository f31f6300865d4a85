#!/usr/bin/env python3
"""Lists import circles between the crate's modules: a module (one file) that
imports, directly or through others, a module that imports it back.

    python3 .ci/import-circles.py [--top]

Every `use` and every inline `crate::`/`super::`/`self::`/child-module path of
each file is resolved to the file that defines the item, through re-exports
and imports (`pub use child::X` in a parent sends `super::X` to the child).
Test code (`#[cfg(test)]` items and test-only files) does not count, nor does
declaring a child module. With --top, circles between top-level modules
(`diff`, `report`, ...) are listed as well, for information. Exits 1 if any
file-level circle is found.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CRATES = [("lib", "src/lib.rs"), ("bin", "src/main.rs"), ("synth", "crates/synth/src/lib.rs")]


def strip(text):
    """Source without comments, string/char literals and #[cfg(test)] items."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            out.append('""')
            i = n if end < 0 else end + 1 + len(hashes)
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            out.append('""')
            i += 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]) or (c == "'" and text.startswith("'\\u{", i)):
            j = text.find("'", i + 1 if text[i + 1] != "\\" else i + 3)
            out.append("' '")
            i = j + 1
        else:
            out.append(c)
            i += 1
    src = "".join(out)
    # Drop #[cfg(test)] items: through the matching brace, or to a `;` first.
    while True:
        m = re.search(r"#\[cfg\(test\)\]", src)
        if not m:
            return src
        j, depth = m.end(), 0
        while j < len(src):
            if src[j] == "{":
                depth += 1
            elif src[j] == "}":
                depth -= 1
                if depth == 0:
                    j += 1
                    break
            elif src[j] == ";" and depth == 0:
                j += 1
                break
            j += 1
        src = src[:m.start()] + src[j:]


def expand(tree, prefix=()):
    """Paths of one use tree: [(segments, alias)]."""
    tree = tree.strip()
    m = re.match(r"^((?:[\w]+\s*::\s*)*)\{(.*)\}$", tree, re.S)
    if m:
        base = prefix + tuple(s.strip() for s in m.group(1).split("::") if s.strip())
        inner, parts, depth, cur = m.group(2), [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            cur += ch
        parts.append(cur)
        return [p for part in parts if part.strip() for p in expand(part, base)]
    alias = None
    am = re.match(r"^(.*?)\s+as\s+(\w+)$", tree, re.S)
    if am:
        tree, alias = am.group(1), am.group(2)
    segs = prefix + tuple(s.strip() for s in tree.split("::") if s.strip())
    if segs and segs[-1] == "self":
        segs = segs[:-1]
    return [(segs, alias or (segs[-1] if segs else None))]


class Crate:
    def __init__(self, name, root):
        self.name = name
        self.files = {}  # module path -> file
        self.children = {}  # module path -> set of child names
        self.src = {}  # module path -> stripped source
        self.walk((), root)

    def walk(self, mod, path):
        self.files[mod] = path
        self.children[mod] = set()
        src = strip(open(os.path.join(ROOT, path), encoding="utf-8").read())
        self.src[mod] = src
        here = os.path.dirname(path)
        if not (path.endswith("mod.rs") or path.endswith("lib.rs") or path.endswith("main.rs")):
            here = path[:-3]
        for m in re.finditer(r"(?m)^\s*(?:pub(?:\([\w: ]+\))?\s+)?mod\s+(\w+)\s*;", src):
            name = m.group(1)
            for cand in (f"{here}/{name}.rs", f"{here}/{name}/mod.rs"):
                if os.path.exists(os.path.join(ROOT, cand)):
                    self.children[mod].add(name)
                    self.walk(mod + (name,), cand)
                    break

    def uses(self, mod):
        """(segments, alias, text) of every use declaration of a module."""
        found = []
        for m in re.finditer(r"(?:^|[;{}\s])use\s+([^;]+);", self.src[mod]):
            for segs, alias in expand(m.group(1)):
                found.append((segs, alias, "use " + " ".join(m.group(1).split())))
        return found

    def start(self, mod, segs):
        """Module a path starts from and the segments after, or None."""
        if not segs:
            return None
        if segs[0] == "crate":
            return (), segs[1:]
        if segs[0] == "self":
            return mod, segs[1:]
        if segs[0] == "super":
            m = mod
            while segs and segs[0] == "super":
                m, segs = m[:-1], segs[1:]
            return m, segs
        if segs[0] in self.children[mod]:
            return mod, segs
        return None

    def resolve(self, mod, segs, seen=None):
        """The module that defines what `segs` names, seen from `mod`."""
        s = self.start(mod, segs)
        if s is None:
            return None
        cur, rest = s
        while rest and rest[0] in self.children[cur]:
            cur, rest = cur + (rest[0],), rest[1:]
        if not rest or rest[0] == "*":
            return cur
        item = rest[0]
        seen = seen or set()
        if (cur, item) in seen:
            return cur
        seen.add((cur, item))
        for usegs, alias, _ in self.uses(cur):
            if alias == item and usegs[-1] != "*":
                target = self.resolve(cur, usegs, seen)
                if target is not None:
                    return target
        return cur

    def edges(self):
        """(from file, to file, evidence) of every import between files."""
        out = set()
        for mod, src in self.src.items():
            paths = [(segs, text) for segs, _, text in self.uses(mod)]
            for m in re.finditer(r"\b((?:crate|super|self|\w+)(?:\s*::\s*\w+)+)", src):
                segs = tuple(s.strip() for s in m.group(1).split("::"))
                if segs[0] in ("crate", "super", "self") or segs[0] in self.children[mod]:
                    paths.append((segs, "::".join(segs)))
            for segs, text in paths:
                target = self.resolve(mod, segs)
                if target is not None and target != mod:
                    out.add((mod, target, text))
        return out


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    graph = {n: set() for n in nodes}
    for a, b in edges:
        graph[a].add(b)
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def main():
    top = "--top" in sys.argv
    found = 0
    for name, root in CRATES:
        if not os.path.exists(os.path.join(ROOT, root)):
            continue
        crate = Crate(name, root)
        edges = crate.edges()
        files = crate.files
        comps = cycles(files.values(), {(files[a], files[b]) for a, b, _ in edges})
        print(f"{name}: {len(files)} modules, {len({(a, b) for a, b, _ in edges})} imports between them, {len(comps)} circles")
        for comp in comps:
            found += 1
            print("  circle: " + " <-> ".join(comp))
            for a, b, text in sorted(edges):
                if files[a] in comp and files[b] in comp:
                    print(f"    {files[a]} -> {files[b]}: {text}")
        if top:
            tops = {(a[0], b[0]) for a, b, _ in edges if a and b and a[0] != b[0]}
            for comp in cycles({m[0] for m in files if m}, tops):
                print("  top-level circle (information): " + " <-> ".join(comp))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
