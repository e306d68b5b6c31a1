#!/usr/bin/env bash
# Runs the detection study with its fixed seeds and rewrites the "## Detection study" section of docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec dotnet run -c Release --project "$root/bench/detection" -- "$@"
