"""A small mutation tester: change one thing in a module, run the given tests, restore.

    .venv/bin/python -m tools.mutate etf_assets/prospectus/rows.py --sample 40 -- \\
        etf_assets_tests/test_prospectus_untagged.py etf_assets_tests/test_prospectus_parse.py

Mutants (one at a time, from the module's AST): comparison flips (== / !=, < / >=,
is / is not, in / not in), and / or, dropping a `not`, + / -, a dict literal's value
set to None, a statement replaced by `pass`, a number changed by one, True / False
swapped. A mutant is KILLED when the tests fail (or time out), SURVIVED when they pass.
`--sample N` draws N mutants with a fixed seed (every mutant when omitted); `--only
PATTERN` keeps the mutants inside functions whose name matches the regular expression
(a large module's slice: `--only '^_block$|^parse_24f2$'`). The module file is always
restored, also on Ctrl-C.

Why not mutmut: it rewrites the tree it runs in and needs its own config and cache;
this needs nothing beyond the standard library and pytest, and a survivor is printed
as the exact line changed.
"""

from __future__ import annotations

import argparse
import ast
import copy
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_FLIPS: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
    ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}


@dataclass(frozen=True)
class Mutant:
    index: int  # position in the module's walk order
    kind: str
    line: int
    description: str


def _targets(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """(node, mutation kind) for every mutation the module admits, in walk order.
    Docstrings and annotations are left alone."""
    out: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIPS:
            out.append((node, "compare"))
        elif isinstance(node, ast.BoolOp):
            out.append((node, "boolop"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((node, "not"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            out.append((node, "binop"))
        elif isinstance(node, ast.Dict):
            for i, v in enumerate(node.values):
                if not (isinstance(v, ast.Constant) and v.value is None):
                    out.append(((node, i), "dict_value"))  # type: ignore[arg-type]
        elif isinstance(node, ast.Constant) and type(node.value) in (int, bool):
            out.append((node, "constant"))
        if isinstance(node, (ast.FunctionDef, ast.For, ast.If, ast.With, ast.While)):
            body = node.body
            for stmt in body:
                if len(body) > 1 and isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Expr,
                                                       ast.Return, ast.If, ast.For)) \
                        and not (isinstance(stmt, ast.Expr)
                                 and isinstance(stmt.value, ast.Constant)):
                    out.append(((node, stmt), "delete"))  # type: ignore[arg-type]
    return out


def _line(target: ast.AST | tuple, kind: str) -> int:
    """The source line a mutation changes (the statement, or the dict value)."""
    if kind == "delete":
        return target[1].lineno  # type: ignore[index]
    if kind == "dict_value":
        node, i = target  # type: ignore[misc]
        return node.values[i].lineno
    return target.lineno  # type: ignore[union-attr]


def _only(tree: ast.AST, pattern: str) -> list[int]:
    """Indexes of the mutations inside a function (or method) whose name matches
    `pattern`; a nested function counts under its own name and its enclosing one's."""
    spans = [(f.lineno, f.end_lineno or f.lineno) for f in ast.walk(tree)
             if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             and re.search(pattern, f.name)]
    return [i for i, (target, kind) in enumerate(_targets(tree))
            if any(a <= _line(target, kind) <= b for a, b in spans)]


def _apply(tree: ast.Module, index: int) -> tuple[ast.Module, Mutant]:
    """A deep copy of `tree` with mutation `index` applied."""
    tree = copy.deepcopy(tree)
    target, kind = _targets(tree)[index]
    if kind == "compare":
        node = target
        line, old = node.lineno, type(node.ops[0]).__name__
        node.ops[0] = _FLIPS[type(node.ops[0])]()
        desc = f"{old} -> {type(node.ops[0]).__name__}"
    elif kind == "boolop":
        node = target
        line = node.lineno
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        desc = f"boolean operator -> {type(node.op).__name__}"
    elif kind == "not":
        node = target
        line, desc = node.lineno, "drop not"
        node.op = ast.UAdd()  # +x of a bool is x's truth as an int: "not" removed
    elif kind == "binop":
        node = target
        line = node.lineno
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        desc = f"arithmetic -> {type(node.op).__name__}"
    elif kind == "dict_value":
        node, i = target
        line = node.values[i].lineno
        key = node.keys[i]
        desc = f"dict value of {ast.unparse(key) if key is not None else '**'} -> None"
        node.values[i] = ast.Constant(None)
    elif kind == "constant":
        node = target
        line = node.lineno
        old = node.value
        node.value = (not old) if isinstance(old, bool) else old + 1
        desc = f"constant {old!r} -> {node.value!r}"
    else:
        parent, stmt = target
        line = stmt.lineno
        desc = f"delete statement: {ast.unparse(stmt).splitlines()[0][:80]}"
        parent.body[parent.body.index(stmt)] = ast.Pass()
    ast.fix_missing_locations(tree)
    return tree, Mutant(index, kind, line, desc)


def run(module: Path, tests: list[str], sample: int | None, seed: int, timeout: int,
        only: str | None = None) -> int:
    source = module.read_text()
    tree = ast.parse(source)
    indexes = _only(tree, only) if only else list(range(len(_targets(tree))))
    total = len(indexes)
    if not indexes:
        print(f"no mutant in {module} matches --only {only!r}")
        return 2
    if sample is not None and sample < total:
        indexes = sorted(random.Random(seed).sample(indexes, sample))
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly",
           "-p", "no:cacheprovider", *tests]
    baseline = subprocess.run(cmd, capture_output=True, timeout=timeout * 3)
    if baseline.returncode != 0:
        print(f"the tests fail before any mutation:\n{baseline.stdout.decode()[-2000:]}")
        return 2
    killed, survived, invalid = 0, [], 0
    started = time.monotonic()
    try:
        for i in indexes:
            mutated, mutant = _apply(tree, i)
            try:
                text = ast.unparse(mutated)
                compile(text, str(module), "exec")
            except (SyntaxError, ValueError):
                invalid += 1
                continue
            module.write_text(text)
            try:
                rc = subprocess.run(cmd, capture_output=True, timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                rc = -1
            if rc == 0:
                survived.append(mutant)
                print(f"SURVIVED line {mutant.line}: {mutant.description}", flush=True)
            else:
                killed += 1
    finally:
        module.write_text(source)
    tried = killed + len(survived)
    rate = killed / tried if tried else 0.0
    scope = f" (--only {only!r})" if only else ""
    print(f"{module}{scope}: {total} mutants, {len(indexes)} tried ({invalid} not valid Python), "
          f"{killed} killed, {len(survived)} survived: kill rate {rate:.0%} "
          f"in {time.monotonic() - started:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("module", type=Path)
    p.add_argument("tests", nargs="+")
    p.add_argument("--sample", type=int, default=None)
    p.add_argument("--seed", type=int, default=25)
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--only", default=None, metavar="PATTERN",
                   help="mutate only inside functions whose name matches this regex")
    args = p.parse_args(argv)
    return run(args.module, args.tests, args.sample, args.seed, args.timeout, args.only)


if __name__ == "__main__":
    sys.exit(main())
