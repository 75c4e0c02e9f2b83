#!/usr/bin/env bash
# Mutation kill rates of the parser / row slices whose tests are value tests on real
# filings (tools/mutate.py; 30 mutants per slice, fixed seed 25). Run from a clean tree:
# each module is rewritten in place while its mutants run (restored after each).
#   tools/mutate_slices.sh            # every slice
#   tools/mutate_slices.sh flows      # the slices whose module path contains "flows"
# PYTHON overrides the interpreter (default .venv/bin/python of this tree).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
SAMPLE="${SAMPLE:-30}"
T=etf_assets_tests

# module | tests (the module's own test files; a value test file is used when present,
# so the same script measures a tree without them; listed first: with pytest -x a mutant
# it kills stops the run before the slower files)
SLICES=(
  "etf_assets/flows/parse.py|$T/test_flows_values.py $T/test_flows.py"
  "etf_assets/flows/rows.py|$T/test_flows_values.py $T/test_flows.py"
  "etf_assets/nport/rows.py|$T/test_nport_values.py $T/test_nport_parse.py $T/test_nport_uit.py"
  "etf_assets/universe/parse.py|$T/test_universe_values.py $T/test_universe.py"
  "etf_assets/prospectus/rows.py|$T/test_prospectus_values.py $T/test_prospectus_parse.py $T/test_prospectus_untagged.py"
)

for slice in "${SLICES[@]}"; do
  module="${slice%%|*}"
  [[ -n "${1:-}" && "$module" != *"$1"* ]] && continue
  tests=()
  for f in ${slice#*|}; do [[ -f "$f" ]] && tests+=("$f"); done
  echo "== $module: ${tests[*]}"
  CI=true "$PY" -m tools.mutate "$module" --sample "$SAMPLE" -- "${tests[@]}"
done
