#!/usr/bin/env bash
# Benchmark of the whole `build` at Tokyo scale and beyond.
#
#   bench/run.sh [N ...]        (default: 1 10 100)
#
# For each N it makes N copies of every municipality and member (`kyogikai sample --scale N`,
# one period: 75 × N workbooks; each copy has areas of its own), then times the release
# binary's `build` of both editions, every PDF and Excel file and the archive, with
# /usr/bin/time -v (wall, CPU, peak memory) and prints the stage split from `build --timings`.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 10 100)

cargo build --release --quiet
bin="$PWD/target/release/kyogikai"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
as_of=2026-10-15

printf '%-6s %-10s %-10s %-10s %-12s %-14s\n' N workbooks wall_s cpu_s peak_MiB ms_per_workbook
for n in "${sizes[@]}"; do
  dir="$work/n$n"
  mkdir -p "$dir/inputs"
  cp inputs/council.toml inputs/municipalities.tsv inputs/設置要領.txt "$dir/inputs/"
  if [ "$n" = 1 ]; then
    "$bin" --council "$dir/inputs/council.toml" sample --period h1 >/dev/null
    council="$dir/inputs/council.toml"
  else
    "$bin" --council "$dir/inputs/council.toml" --out "$dir" sample --period h1 --scale "$n" >/dev/null
    council="$dir/sample-x$n/council.toml"
  fi
  files=$(find "$(dirname "$council")/submissions" -type f | wc -l)
  /usr/bin/time -v -o "$dir/time.txt" "$bin" --council "$council" --as-of "$as_of" --out "$dir/out" \
    build --meeting 2 --timings > "$dir/build.txt" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$dir/time.txt")
  per=$(awk -v w="$wall" -v f="$files" 'BEGIN {printf "%.2f", w*1000/f}')
  printf '%-6s %-10s %-10s %-10s %-12s %-14s\n' "$n" "$files" "$wall" "$cpu" "$rss" "$per"
  sed -n '/所要時間/,/^$/p' "$dir/build.txt" | sed "s/^/    [N=$n] /"
done
