#!/bin/sh
# run.sh - phase 4's demos: prints, section by section, every figure that
# phases/04-performance/README.md quotes, and keeps a copy in demos.log.
#
#     phases/04-performance/demos/run.sh DEMO_BUILD_DIR TOOLS_DIR
#
# `make demos` calls it with DEMO_BUILD_DIR=build/phases/04-performance/demos
# (where the Makefile put the demo programs) and TOOLS_DIR=build/tools
# (benchcmp and flamegraph). Everything it writes stays under
# DEMO_BUILD_DIR: demos.log, the raw benchmark outputs (raw/), the profiles
# (profiles/) and the compiler demos' objects (compiler/).
#
# Section numbers match the lesson's. Times are from this run on this
# machine and move from run to run; counts (allocs/op, B/op, instructions/op
# under callgrind) do not. The whole run takes about two minutes.
set -eu

[ $# -eq 2 ] || {
	echo "usage: $0 DEMO_BUILD_DIR TOOLS_DIR" >&2
	exit 2
}
src=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$src/../../.." && pwd)
cd "$repo" # the Makefile's paths are relative to the repository
[ -d "$1" ] || {
	echo "run.sh: no $1; run it through make demos" >&2
	exit 1
}
bin=$(cd "$1" && pwd)
tools=$(cd "$2" && pwd)
log=$bin/demos.log
raw=$bin/raw
cc_out=$bin/compiler
csrc=$src/compiler

for prog in basics_bench pitfalls_bench profile_bench pool_bench pool_poison \
	stack_bench alloc_bench; do
	[ -x "$bin/$prog" ] || {
		echo "run.sh: no $bin/$prog; run it through make demos" >&2
		exit 1
	}
done
for tool in benchcmp flamegraph; do
	[ -x "$tools/$tool" ] || {
		echo "run.sh: no $tools/$tool; run it through make demos" >&2
		exit 1
	}
done
mkdir -p "$raw" "$cc_out" "$bin/profiles"

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

section() {
	echo
	echo "==============================================================================="
	echo "== $*"
	echo "==============================================================================="
}

step() {
	echo
	echo "-- $*"
}

# say TEXT: print TEXT with paths shown relative to the repository.
say() {
	echo "$*" | sed "s|$repo/||g"
}

# show CMD...: print the command as a reader would type it, then run it.
show() {
	say "\$ $*"
	"$@"
}

# native NAME PROG FLAGS...: run a demo benchmark natively; keep its output
# in raw/NAME.txt and print the result lines (the header and the harness's
# warnings about hardware counters are the same every time), unless QUIET
# is set.
native() {
	name=$1
	prog=$2
	shift 2
	say "\$ $bin/$prog $*"
	"$bin/$prog" "$@" >"$raw/$name.txt" 2>"$raw/$name.err" || {
		cat "$raw/$name.txt" "$raw/$name.err"
		echo "run.sh: $prog failed" >&2
		exit 1
	}
	[ -n "${QUIET:-}" ] && return
	grep -v '^goos:\|^goarch:\|^pkg:\|^cpu:\|^PASS' "$raw/$name.txt" || true
	grep -v 'no hardware instruction counter' "$raw/$name.err" || true
}

# callgrind NAME PROG FLAGS...: the same under callgrind, which makes the
# harness report exact instructions/op (bench/README.md). Only the results
# are kept (raw/NAME.txt); valgrind's own messages go to raw/NAME.vg.
callgrind() {
	name=$1
	prog=$2
	shift 2
	rm -f "$raw/$name.cg" "$raw/$name".cg.*
	echo "\$ BENCH_CALLGRIND_OUT=cg.out valgrind --tool=callgrind --collect-atstart=no \\"
	echo "      --soname-synonyms=somalloc=nouserintercepts --callgrind-out-file=cg.out \\"
	say "      $bin/$prog $*"
	BENCH_CALLGRIND_OUT=$raw/$name.cg valgrind --tool=callgrind \
		--collect-atstart=no --soname-synonyms=somalloc=nouserintercepts \
		--callgrind-out-file="$raw/$name.cg" --log-file="$raw/$name.vg" \
		"$bin/$prog" "$@" >"$raw/$name.txt" 2>"$raw/$name.err" || {
		cat "$raw/$name.txt" "$raw/$name.err" "$raw/$name.vg"
		echo "run.sh: $prog failed under callgrind" >&2
		exit 1
	}
	rm -f "$raw/$name.cg" "$raw/$name".cg.*
	say "(results in $raw/$name.txt)"
}

# table NATIVE CALLGRIND: one row per benchmark with ns/op and
# instructions/op, each also as a ratio to the first benchmark of its group
# (the baseline: benchmarks named Group/x, with the same -P suffix), then
# B/op and allocs/op. CALLGRIND may be "-" when there is none.
table() {
	awk -v cgfile="$2" '
	FILENAME != cgfile && /^Benchmark/ {
		name = substr($1, 10)
		order[++n] = name
		for (i = 3; i < NF; i += 2) {
			if ($(i + 1) == "ns/op") ns[name] = $i
			if ($(i + 1) == "B/op") bop[name] = $i
			if ($(i + 1) == "allocs/op") aop[name] = $i
		}
	}
	FILENAME == cgfile && /^Benchmark/ {
		name = substr($1, 10)
		for (i = 3; i < NF; i += 2)
			if ($(i + 1) == "instructions/op") ins[name] = $i
	}
	function group(s,   suffix) {
		suffix = ""
		if (match(s, /-[0-9]+$/)) {
			suffix = substr(s, RSTART)
			s = substr(s, 1, RSTART - 1)
		}
		if (s !~ /\//)
			return s suffix
		sub(/\/[^\/]*$/, "", s)
		return s suffix
	}
	END {
		printf "%-34s %11s %8s %11s %8s %9s %10s\n", "benchmark", "ns/op",
			"x base", "instr/op", "x base", "B/op", "allocs/op"
		for (i = 1; i <= n; i++) {
			name = order[i]
			g = group(name)
			if (g != last) {
				base = name
				last = g
			}
			nr = ns[base] > 0 ? sprintf("%8.3g", ns[name] / ns[base]) : "       -"
			iv = (name in ins) ? sprintf("%11.1f", ins[name]) : "          -"
			ir = (name in ins) && ins[base] > 0 ? \
				sprintf("%8.3g", ins[name] / ins[base]) : "       -"
			printf "%-34s %11.2f %s %s %s %9.1f %10.2f\n", name, ns[name],
				nr, iv, ir, bop[name], aop[name]
		}
	}' "$1" "$2"
}

# first_table < benchcmp output: the command and the first (sec/op) table.
first_table() {
	awk 'NF == 0 && seen { exit } /Join/ { seen = 1 } { print }'
}

# scaling FILE: for each benchmark run with -cpu 1,2, ns/op on one thread
# and on two, and their ratio: 0.5 is perfect scaling, 1 none, above 1 the
# threads slow each other down.
scaling() {
	awk '
	/^Benchmark/ {
		name = substr($1, 10)
		p = 1
		if (match(name, /-[0-9]+$/)) {
			p = substr(name, RSTART + 1)
			name = substr(name, 1, RSTART - 1)
		}
		if (!(name in seen)) {
			seen[name] = 1
			order[++n] = name
		}
		if (p == 1)
			one[name] = $3
		else
			two[name] = $3
	}
	END {
		printf "%-34s %14s %14s %8s\n", "benchmark", "1 thread ns/op",
			"2 threads ns/op", "2 / 1"
		for (i = 1; i <= n; i++) {
			name = order[i]
			ratio = one[name] > 0 ? two[name] / one[name] : 0
			printf "%-34s %14.2f %15.2f %8.2f\n", name, one[name],
				two[name], ratio
		}
	}' "$1"
}

# relocs OBJECT: for each function in OBJECT, the calls to malloc and free
# left in its code (the relocations objdump -dr lists), or "none".
relocs() {
	objdump -dr --no-show-raw-insn "$1" | awk '
	/^[0-9a-f]+ <.*>:$/ {
		fn = substr($2, 2, length($2) - 3)
		order[++n] = fn
		calls[fn] = ""
	}
	/R_X86_64_PLT32/ && ($3 ~ /^(malloc|free)-/) {
		c = $3
		sub(/-0x4$/, "", c)
		calls[fn] = calls[fn] " " c
	}
	END {
		for (i = 1; i <= n; i++)
			printf "    %-16s %s\n", order[i], calls[order[i]] == "" ? \
				"none: the pair is gone" : "calls" calls[order[i]]
	}'
}

# ---------------------------------------------------------------------------
# The demos
# ---------------------------------------------------------------------------

# profile TOOL NAME REGEX FLAGS...: bench/profile.sh on profile_bench, as
# `make profile` runs it, into profiles/NAME; its messages go to raw/.
profile() {
	tool=$1
	name=$2
	regex=$3
	shift 3
	say "\$ bench/profile.sh $tool $bin/profile_bench $bin/profiles/$name '$regex' $*"
	FLAMEGRAPH=$tools/flamegraph bench/profile.sh "$tool" "$bin/profile_bench" \
		"$bin/profiles/$name" "$regex" "$@" >"$raw/profile-$name.out" 2>&1 || {
		cat "$raw/profile-$name.out"
		echo "run.sh: profile.sh $tool failed" >&2
		exit 1
	}
	grep '^Benchmark' "$raw/profile-$name.out"
}

demos() {
	start=$(date +%s)

	section "0. The machine"
	echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "kernel:    $(uname -srm)"
	echo "cpus:      $(nproc) x $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
	echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (runnable tasks, averaged over 1, 5, 15 min)"
	echo "gcc:       $(gcc --version | head -1)"
	echo "clang:     $(clang --version 2>/dev/null | head -1 || echo 'not installed')"
	echo "valgrind:  $(valgrind --version)"
	echo "perf:      $(perf --version 2>/dev/null || echo 'not installed')"
	echo "governor:  $(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || echo 'none exposed (a VM)')"

	# -- 1 -------------------------------------------------------------------
	section "1. Benchmarking"

	step "1.1 How n grows: one benchmark, every run the harness makes (-benchtime 1s)"
	native grow basics_bench -bench 'Grow$' -cpu 1

	step "1.2 Five ways a benchmark lies, each next to its honest twin"
	native pitfalls pitfalls_bench -cpu 1 -benchtime 200ms
	callgrind pitfalls-cg pitfalls_bench -cpu 1 -benchtime 200x
	table "$raw/pitfalls.txt" "$raw/pitfalls-cg.txt"

	step "1.3 Stopping the timer in every iteration"
	native timer basics_bench -bench 'Timer' -cpu 1 -benchtime 200ms
	callgrind timer-cg basics_bench -bench 'Timer' -cpu 1 -benchtime 10000x
	table "$raw/timer.txt" "$raw/timer-cg.txt"

	step "1.4 Parallel benchmarks: -cpu 1,2 (ns/op is wall time / total iterations)"
	native parallel basics_bench -bench 'Parallel' -cpu 1,2 -benchtime 200ms
	scaling "$raw/parallel.txt"

	step "1.5 Noise: the same benchmark twice, 10 runs each, one file after the other"
	native noise-a alloc_bench -bench 'Join/builder$' -cpu 1 -count 10 -benchtime 100ms
	native noise-b alloc_bench -bench 'Join/builder$' -cpu 1 -count 10 -benchtime 100ms
	cp "$raw/noise-a.txt" "$raw/old.txt"
	cp "$raw/noise-b.txt" "$raw/new.txt"
	(cd "$raw" && show "$tools/benchcmp" old.txt new.txt) | first_table
	echo "The same comparison, three more times (one line each):"
	for _ in 1 2 3; do
		for side in old new; do
			"$bin/alloc_bench" -bench 'Join/builder$' -cpu 1 -count 10 \
				-benchtime 100ms >"$raw/$side.txt" 2>/dev/null
		done
		"$tools/benchcmp" "$raw/old.txt" "$raw/new.txt" | grep -m1 'p=' |
			tr -s ' ' | sed 's/^/    sequential:  /'
	done

	step "1.6 The same, interleaved: ten rounds of one run for old.txt, one for new.txt"
	echo "\$ for i in 1 2 3 4 5 6 7 8 9 10; do"
	echo "      alloc_bench -bench 'Join/builder\$' -cpu 1 -count 1 -benchtime 100ms >>old.txt"
	echo "      alloc_bench -bench 'Join/builder\$' -cpu 1 -count 1 -benchtime 100ms >>new.txt"
	echo "  done"
	echo "  benchcmp old.txt new.txt         (done four times, one line each)"
	for _ in 1 2 3 4; do
		: >"$raw/old.txt"
		: >"$raw/new.txt"
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			for side in old new; do
				"$bin/alloc_bench" -bench 'Join/builder$' -cpu 1 -count 1 \
					-benchtime 100ms >>"$raw/$side.txt" 2>/dev/null
			done
		done
		"$tools/benchcmp" "$raw/old.txt" "$raw/new.txt" | grep -m1 'p=' |
			tr -s ' ' | sed 's/^/    interleaved: /'
	done

	step "1.7 A real difference: Join/naive (old) against Join/builder (new)"
	native naive alloc_bench -bench 'Join/naive$' -cpu 1 -count 10 -benchtime 100ms
	echo "(both renamed BenchmarkJoin, so that benchcmp pairs them)"
	sed 's|^BenchmarkJoin/naive|BenchmarkJoin|' "$raw/naive.txt" >"$raw/old.txt"
	sed 's|^BenchmarkJoin/builder|BenchmarkJoin|' "$raw/noise-a.txt" >"$raw/new.txt"
	(cd "$raw" && show "$tools/benchcmp" old.txt new.txt)

	step "1.8 The multiple-testing trap: 20 comparisons of identical code"
	echo "One run of -count 400 (10ms each), cut into 20 groups of 20 runs; in"
	echo "each group the first 10 runs play old.txt and the last 10 new.txt."
	QUIET=1 native trap alloc_bench -bench 'Join/builder$' -cpu 1 -count 400 -benchtime 10ms
	significant=0
	for k in $(seq 0 19); do
		for side in old new; do
			awk -v k="$k" -v side="$side" '
			/^Benchmark/ {
				j = i++ - 20 * k
				if (j >= 0 && j < 20 && (j < 10) == (side == "old"))
					print
				next
			}
			{ print }' "$raw/trap.txt" >"$raw/trap-$side.txt"
		done
		line=$("$tools/benchcmp" "$raw/trap-old.txt" "$raw/trap-new.txt" |
			grep -m1 'p=' | tr -s ' ')
		case $line in
		*" ~ "*) ;;
		*)
			significant=$((significant + 1))
			echo "  group $((k + 1)): $line"
			;;
		esac
	done
	echo "$significant of 20 comparisons of identical code came out significant at alpha = 0.05"
	echo "All 400 runs as one sample (median, 95% CI):"
	"$tools/benchcmp" "$raw/trap.txt" | grep 'Join' | head -1 | tr -s ' '
	awk '/^Benchmark/ { v = $3 + 0; if (!n++ || v < lo) lo = v; if (v > hi) hi = v }
	     END { printf "fastest run %.0f ns/op, slowest %.0f ns/op: %.1fx apart\n", lo, hi, hi / lo }' \
		"$raw/trap.txt"

	# -- 2 -------------------------------------------------------------------
	section "2. Profiling profile_bench (bench/profile.sh, as make profile runs it)"
	prof=$bin/profiles

	step "2.0 perf stat: which events this machine offers"
	say "\$ perf stat -e cpu-clock,cycles,instructions -- $bin/profile_bench -bench 'Report\$' -benchtime 50x -cpu 1"
	perf stat -e cpu-clock,cycles,instructions -- "$bin/profile_bench" -bench 'Report$' \
		-benchtime 50x -cpu 1 2>&1 >/dev/null | grep -v '^warning' | grep 'cpu-clock\|cycles\|instructions\|elapsed'

	step "2.1 perf record -e cpu-clock: where the CPU time goes (sampled)"
	profile perf perf 'Report$' -cpu 1 -benchtime 1s
	grep 'Captured and wrote' "$raw/profile-perf.out" || true
	grep -m1 'Event count' "$bin/profiles/perf/perf-report.txt" |
		sed 's/^# */(cpu-clock counts nanoseconds: /; s/$/ ns of CPU time sampled)/'
	say "Top of $prof/perf/perf-report.txt (self time per function):"
	awk '/^# Where the hottest/ { exit } /%/ && !/^#/' "$prof/perf/perf-report.txt" |
		head -8 | sed 's/ *- *- *$//'
	echo "The call chain into the top entry (from the second half of the report):"
	awk '/^# Where the hottest/ { on = 1 } on && /---/ { show = 1 }
	     show && NF == 0 { exit } show { print }' "$prof/perf/perf-report.txt" | head -6
	echo "The four widest stacks in perf.folded (count last):"
	awk '{ print $NF "\t" $0 }' "$prof/perf/perf.folded" | sort -n -r | head -4 |
		cut -f2- | sed 's/^/    /'
	echo "samples in all: $(awk '{ s += $NF } END { print s }' "$prof/perf/perf.folded")"
	echo "What bench_fn_Report's frame holds, by the frames directly above it"
	echo "(inclusive samples: the widths of the second row of the flame graph):"
	awk '{
		count = $NF
		stack = substr($0, 1, length($0) - length(count) - 1)
		n = split(stack, frame, ";")
		total += count
		if (frame[1] != "bench_fn_Report")
			next
		report += count
		child = n > 1 ? frame[2] : "(self)"
		sum[child] += count
	}
	END {
		printf "    %-26s %6d  %5.1f%%\n", "bench_fn_Report", report, 100 * report / total
		for (c in sum)
			printf "    %-26s %6d  %5.1f%%\n", "  " c, sum[c], 100 * sum[c] / total
	}' "$prof/perf/perf.folded" | sort -k2 -n -r
	say "flame graph: $prof/perf/flamegraph.svg"

	step "2.2 callgrind + callgrind_annotate: where the instructions go (exact)"
	profile callgrind callgrind 'Report$' -cpu 1 -benchtime 20x
	awk '/PROGRAM TOTALS/ { print "    " $0 }
	     /file:function/ { on = 1; getline; next }
	     on && NF == 0 { exit }
	     on { sub(/ \[.*\]$/, ""); sub(/\.\/[^ ]*\//, ""); print "    " $0 }' \
		"$prof/callgrind/callgrind-annotate.txt" | head -9
	say "flame graph: $prof/callgrind/flamegraph.svg"

	step "2.3 gperftools (libprofiler) + google-pprof --text: sampled, timed loops only"
	echo "(CPUPROFILE_FREQUENCY=1000: 1000 samples per CPU-second instead of 100)"
	export CPUPROFILE_FREQUENCY=1000
	profile gperftools gperftools 'Report$' -cpu 1 -benchtime 1s
	unset CPUPROFILE_FREQUENCY
	head -9 "$prof/gperftools/pprof.txt" | sed 's/^/    /'
	say "flame graph: $prof/gperftools/flamegraph.svg"

	step "2.4 massif + ms_print: how the heap grows (BenchmarkReportAllocating)"
	profile massif massif 'ReportAllocating$' -cpu 1 -benchtime 20x
	m=$prof/massif/massif.txt
	peak=$(sed -n 's/.*Detailed snapshots: \[.*[[ ]\([0-9][0-9]*\) (peak).*/\1/p' "$m")
	awk -v peak="$peak" '
	/^ +n +time\(i\)/ && !head { head = $0 }
	$1 == peak && NF == 6 && !found { print "    " head; print "    " $0; found = 1; next }
	found && /heap allocation functions/ { print "    " $0; tree = 1; next }
	tree && /^->/ { print "    " $0; if (++k == 3) exit }' "$m"
	say "full report: $m"

	# -- 3 -------------------------------------------------------------------
	section "3. Pools"

	step "3.1 Get and put a 64-byte object; bursts of 100; a 16 KiB scratch table"
	native pool pool_bench -bench 'GetPut|Burst|Scratch' -cpu 1 -benchtime 200ms
	callgrind pool-cg pool_bench -bench 'GetPut|Burst|Scratch' -cpu 1 -benchtime 2000x
	table "$raw/pool.txt" "$raw/pool-cg.txt"

	step "3.2 Get and put with two threads (-cpu 1,2)"
	native pool-par pool_bench -bench 'Parallel' -cpu 1,2 -benchtime 200ms
	scaling "$raw/pool-par.txt"

	step "3.3 Use after put: silent in a normal build..."
	show "$bin/pool_poison"
	echo
	echo "... stopped by AddressSanitizer when the pool poisons what it holds:"
	(cd "$src" && show gcc -std=c17 -g -O1 -fsanitize=address pool_poison.c \
		-o "$cc_out/pool_poison_asan")
	say "\$ $cc_out/pool_poison_asan"
	if "$cc_out/pool_poison_asan" >"$raw/pool_poison_asan.txt" 2>&1; then
		echo "run.sh: ASan did not stop pool_poison" >&2
		exit 1
	fi
	sed -n '/ERROR: AddressSanitizer/,/^SUMMARY/p' "$raw/pool_poison_asan.txt" |
		grep -v '__libc_start\| in _start \|^$\|^SUMMARY' | sed "s|$repo/||g"

	# -- 4 -------------------------------------------------------------------
	section "4. Stack versus heap"

	step "4.1 The same key and the same temporaries, with their memory in different places"
	native stack stack_bench -cpu 1 -benchtime 200ms
	callgrind stack-cg stack_bench -cpu 1 -benchtime 2000x
	table "$raw/stack.txt" "$raw/stack-cg.txt"

	step "4.2 Returning the address of a local: -Wreturn-local-addr (on by default)"
	cd "$csrc"
	show gcc -std=c17 -O2 -c escape.c -o "$cc_out/escape.o" 2>&1 | grep 'warning\|^\$'
	show clang -std=c17 -O2 -c escape.c -o "$cc_out/escape-clang.o" 2>&1 | grep 'warning\|^\$'
	echo "(greeting_indirect, the same bug one call away, gets no warning from either)"

	step "4.3 The indirect form at run time: a normal build, then ASan"
	show gcc -std=c17 -O2 -w escape.c -o "$cc_out/escape"
	say "\$ $cc_out/escape | cat -v        # the second line is the dangling read"
	"$cc_out/escape" | cat -v
	show gcc -std=c17 -g -O1 -w -fsanitize=address escape.c -o "$cc_out/escape_asan"
	say "\$ $cc_out/escape_asan | cat -v   # ASan, default options"
	"$cc_out/escape_asan" 2>&1 | cat -v
	say "\$ ASAN_OPTIONS=detect_stack_use_after_return=1 $cc_out/escape_asan"
	if ASAN_OPTIONS=detect_stack_use_after_return=1 "$cc_out/escape_asan" \
		>"$raw/escape_asan.txt" 2>&1; then
		echo "run.sh: ASan did not catch the dangling read" >&2
		exit 1
	fi
	sed -n '/ERROR: AddressSanitizer/,/<== Memory access/p' "$raw/escape_asan.txt" |
		grep -v '__libc_start\| in _start \|^$\|^HINT' | sed "s|$repo/||g"

	step "4.4 Frame sizes: -fstack-usage (gcc, then clang)"
	for compiler in gcc clang; do
		echo "\$ $compiler -std=c17 -O2 -fstack-usage -c stack_usage.c && cat stack_usage.su"
		(cd "$cc_out" && $compiler -std=c17 -O2 -fstack-usage -c "$csrc/stack_usage.c" \
			-o stack_usage.o)
		sed "s|$csrc/||" "$cc_out/stack_usage.su"
	done

	step "4.5 -Wstack-usage=1024: the same limits as warnings (gcc; clang has -Wframe-larger-than=)"
	show gcc -std=c17 -O2 -Wstack-usage=1024 -c stack_usage.c -o "$cc_out/su.o" 2>&1 |
		grep 'warning\|^\$'

	step "4.6 -fopt-info-inline: which calls were inlined, and which not and why"
	show gcc -std=c17 -O2 -fopt-info-inline-optimized -c escape.c -o "$cc_out/esc.o" 2>&1 |
		grep 'optimized\|^\$'
	show gcc -std=c17 -O2 -fopt-info-inline-missed -c stack_usage.c -o "$cc_out/su.o" 2>&1 |
		grep 'render\|^\$' | awk '!seen[$0]++'
	show clang -std=c17 -O2 -Rpass=inline -c stack_usage.c -o "$cc_out/su.o" 2>&1 |
		grep 'remark\|^\$'

	step "4.7 malloc/free pairs the compiler deletes (elide.c; calls left per function)"
	for variant in "gcc -O2" "gcc -O3" "gcc -O2 -fno-builtin-malloc" "clang -O2" \
		"clang -O2 -fno-builtin-malloc"; do
		echo "\$ $variant -std=c17 -c elide.c && objdump -dr elide.o"
		# shellcheck disable=SC2086 # $variant is a compiler and its flags
		$variant -std=c17 -c elide.c -o "$cc_out/elide.o"
		relocs "$cc_out/elide.o"
	done
	cd "$repo"

	# -- 5 -------------------------------------------------------------------
	section "5. Reducing allocations"

	step "5.1 Joining strings, collecting into an array, a table per request, interning"
	native alloc alloc_bench -cpu 1 -benchtime 200ms
	callgrind alloc-cg alloc_bench -cpu 1 -benchtime 200x
	table "$raw/alloc.txt" "$raw/alloc-cg.txt"

	section "Done"
	echo "load now:  $(cut -d' ' -f1-3 /proc/loadavg)"
	say "took $(($(date +%s) - start)) s; this output is in $log,"
	say "the raw benchmark outputs in $raw/, the profiles in $bin/profiles/"
}

# Show everything and keep a copy. The pipe to tee would hide a failure,
# so the status travels through a file (as in bench/profile.sh).
status_file=$bin/.status
{
	set +e
	(
		set -e
		demos
	)
	echo $? >"$status_file"
} 2>&1 | tee "$log"
status=$(cat "$status_file")
rm -f "$status_file"
exit "$status"
