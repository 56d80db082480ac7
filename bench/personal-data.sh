#!/usr/bin/env bash
# Dataset profiling benchmark: a generated CSV of about 1 GB (10 columns: names, email,
# phone, IBAN, birth date, amounts, free text), scanned alone with the default sample and
# with --full-data-scan. Reports wall time, MB/s and peak RSS (median of R runs).
#   bench/personal-data.sh [--size-mb N] [--runs R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
size_mb=1024
runs=3
while (($#)); do
  case "$1" in
    --size-mb) size_mb=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/personal-data.sh [--size-mb N] [--runs R]" >&2; exit 2 ;;
  esac
done
[[ -x "$build/mlaudit" ]] || { echo "bench: $build/mlaudit is missing (run scripts/bootstrap.sh --no-scan)" >&2; exit 2; }
work=$(mktemp -d /tmp/mlaudit-data-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data"
# One 16 MB block of rows, repeated up to the size asked (the values repeat; the work per byte does not change).
python3 - "$work/block.csv" <<'PY'
import random, sys
rng = random.Random(7)
first = ["James", "Mary", "Lukas", "Anna", "Léa", "Hugo", "Giulia", "Zofia"]
last = ["Smith", "Müller", "Martin", "García", "Rossi", "Nowak", "Jansen", "Silva"]
def iban():
    bban = "".join(rng.choice("0123456789") for _ in range(18))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "DE00")) % 97
    return f"DE{check:02d}{bban}"
rows = []
size = 0
while size < 16 << 20:
    f, l = rng.choice(first), rng.choice(last)
    row = (f"{rng.randint(1, 10**9)},{f},{l},{f.lower()}.{rng.randint(1, 999)}@example.com,+49 151 {rng.randint(10**7, 10**8 - 1)},"
           f"{iban()},{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{rng.uniform(1, 999):.2f},"
           f"\"{rng.choice(['great service', 'late delivery, refund asked', 'n/a'])}\",{rng.choice(['A', 'B', 'C'])}\n")
    rows.append(row)
    size += len(row.encode())
open(sys.argv[1], "w", encoding="utf-8").write("".join(rows))
PY
echo "id,first_name,last_name,email,phone,iban,date_of_birth,amount,comment,segment" > "$work/data/customers.csv"
blocks=$(( (size_mb + 15) / 16 ))
for ((i = 0; i < blocks; i++)); do cat "$work/block.csv"; done >> "$work/data/customers.csv"
bytes=$(stat -c %s "$work/data/customers.csv")
echo "dataset: $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}'), $(wc -l < "$work/data/customers.csv") lines"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for mode in sampled full; do
  flag=(); [[ $mode == full ]] && flag=(--full-data-scan)
  times=(); rss_max=0
  for ((run = 1; run <= runs; run++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$build/mlaudit" scan "$work/data" --quiet --format json --output "$work/out" "${flag[@]}"
    read -r seconds rss < "$work/time"
    times+=("$seconds"); ((rss > rss_max)) && rss_max=$rss
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  awk -v m="$mode" -v b="$bytes" -v t="$median" -v r="$rss_max" -v n="$runs" 'BEGIN {
    printf "%-8s median of %d: %6.2f s  %7.1f MB/s  peak RSS %6.1f MB\n", m, n, t, b / 1e6 / t, r / 1024 }'
done
