#!/usr/bin/env bash
# Runs every test: build, the .NET test projects, a benchmark smoke run and a one-minute soak, then the end-to-end
# suites with real npm clients.
# Installs what the tests need (npm packages from the lock file) so it works on a fresh clone.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
# Every node the suites start keeps its log here; the last step scans them all for secrets and signatures.
export BROADCASTER_TEST_LOG_DIR="$PWD/artifacts/test-logs"
rm -rf "$BROADCASTER_TEST_LOG_DIR"
mkdir -p "$BROADCASTER_TEST_LOG_DIR"

echo "== build"
dotnet build Cluster.sln -nologo -v quiet || exit 1

echo "== .NET tests"
dotnet test Cluster.sln --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1

echo "== benchmark smoke run (fanout and idle with small numbers: nothing lost, duplicated or closed; no speed checks)"
# The Debug build of the tool measures the Debug build of the node, both built above.
dotnet tools/Bench/bin/Debug/net10.0/Broadcaster.Bench.dll --smoke || failed=1

echo "== benchmark soak, one minute (steady fan-out, presence and connection churn together: nothing lost, duplicated or left over, no gross growth)"
dotnet tools/Bench/bin/Debug/net10.0/Broadcaster.Bench.dll --soak --minutes 1 || failed=1

echo "== end-to-end tests (pusher-js, Laravel Echo, pusher SDK; single node, cluster, nginx, TLS)"
bash scripts/install-test-deps.sh || exit 1
# dotnet-gcdump (dotnet-tools.json): the churn suite reads the nodes' live managed heap with it.
dotnet tool restore -v q || exit 1
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error) || exit 1
(cd tests/e2e && npm test) 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1

echo "== logs of the whole run: no secret, no signature"
(cd tests/e2e && node --test --test-reporter=spec logscan/) 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1

# One closing line over all runners: .NET prints "Passed: N" / "Failed: N" per project, node "ℹ pass N".
sum() { grep -oE "$1" "$log" | grep -oE '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(( $(sum 'Passed: +[0-9]+') + $(sum '^ℹ pass [0-9]+') ))
fails=$(( $(sum 'Failed: +[0-9]+') + $(sum '^ℹ fail [0-9]+') ))
if [ "$fails" -gt 0 ]; then
  # Named again at the very end, so that a log cut to its tail still says which tests failed.
  echo "== failed tests"
  grep -E '^ +Failed [A-Za-z_]|^ *✖ ' "$log" | sort -u | head -50
fi
echo "$passed passed, $fails failed"
[ "$failed" -eq 0 ] && [ "$fails" -eq 0 ]
