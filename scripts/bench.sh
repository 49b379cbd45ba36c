#!/usr/bin/env bash
# Measures the budgets of issue 2 on this machine (not a test: timings vary
# between machines, so CI does not run it).
#   1. The default app (all stacks), built with `go build` and run,
#      against a bare NewApp + one empty stack + Synth program built the
#      same way, side by side: median of RUNS alternating runs each;
#      budget 1.5x. (`go run` adds 0.1-0.3 s of build-cache hashing to
#      each, more for the app's larger dependency graph.) Also
#      reported: the app without cdk-nag, and both programs without
#      aws-cdk-lib's template validation (CDK_VALIDATION=false), to show
#      where the time goes.
#   2. `go test ./...` with a warm build cache (test results not cached):
#      budget 30 s (issue 11). The browser test (test/e2e) runs when
#      Chromium is installed; it skips otherwise, so compare like with like.
# Exit status 1 when a budget is exceeded.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
runs=${RUNS:-11}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }
# run NAME BINARY [CONTEXT [VALIDATION]]: one synth into a fresh output
# folder, appends seconds to $out/NAME
run() {
  rm -rf "$out/cdk.out"
  local t0; t0=$(now)
  CDK_VALIDATION="${4:-true}" CDK_CONTEXT_JSON="${3:-{\}}" CDK_OUTDIR="$out/cdk.out" "$2" >/dev/null 2>&1
  echo "$(now) - $t0" | bc -l >> "$out/$1"
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "building..."
mkdir "$out/bin"
go build -o "$out/bin/app" . && go build -o "$out/bin/bare" ./scripts/benchbare
run warm "$out/bin/bare"; run warm "$out/bin/app"
for _ in $(seq "$runs"); do
  run bare "$out/bin/bare"
  run app "$out/bin/app"
  run nonag "$out/bin/app" '{"nag":"false"}'
  run bare_noval "$out/bin/bare" '{}' false
  run app_noval "$out/bin/app" '{}' false
done
bare=$(median "$out/bare"); app=$(median "$out/app"); nonag=$(median "$out/nonag")
ratio=$(echo "$app / $bare" | bc -l)
nonag_ratio=$(echo "$nonag / $bare" | bc -l)
printf 'synth: bare %.2f s, app %.2f s (median of %d), ratio %.2f (budget 1.50)\n' "$bare" "$app" "$runs" "$ratio"
printf 'synth without cdk-nag (-c nag=false): %.2f s, ratio %.2f\n' "$nonag" "$nonag_ratio"
printf 'synth without template validation (CDK_VALIDATION=false): bare %.2f s, app %.2f s\n' \
  "$(median "$out/bare_noval")" "$(median "$out/app_noval")"

go test ./... >/dev/null
t0=$(now)
go test -count=1 ./... >/dev/null
tests=$(echo "$(now) - $t0" | bc -l)
printf 'go test ./... (warm build cache, -count=1): %.1f s (budget 30)\n' "$tests"

fail=0
(( $(echo "$ratio > 1.5" | bc -l) )) && { echo "over budget: synth ratio"; fail=1; }
(( $(echo "$tests > 30" | bc -l) )) && { echo "over budget: go test"; fail=1; }
exit $fail
