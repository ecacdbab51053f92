#!/usr/bin/env bash
# The quick training-step bench of two commits, alternating, pinned to core 0, in one run:
#   bash bench/compare-commits.sh <commit-a> <commit-b> [rounds]
# Each commit is checked out in a temporary git worktree with its own npm ci; nothing in this
# checkout changes. Prints each bench's lines.
set -euo pipefail
a="$1"; b="$2"; rounds="${3:-2}"
root="$(git rev-parse --show-toplevel)"
work="$(mktemp -d)"
trap 'for w in "$work"/*/; do git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
for c in "$a" "$b"; do
  git -C "$root" worktree add -q --detach "$work/$c" "$c"
  (cd "$work/$c" && npm ci --no-audit --no-fund >/dev/null 2>&1)
done
for round in $(seq 1 "$rounds"); do
  for c in "$a" "$b"; do
    echo "=== round $round: $c ($(git -C "$work/$c" rev-parse --short HEAD))"
    (cd "$work/$c" && taskset -c 0 npm run -s bench -- --quick 2>&1 | grep -v -e '^$' -e 'results not written')
  done
done
