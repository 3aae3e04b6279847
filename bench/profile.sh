#!/bin/sh
# profile.sh - run an exercise's benchmark binary under a profiler and leave
# the profile, a text report and a flame graph in one folder.
#
#     bench/profile.sh TOOL BENCH_BINARY OUTDIR [BENCH_REGEX] [harness flags...]
#
# `make profile EX=4.5 TOOL=perf BENCH='Build/pieces=1000$'` calls it with
# OUTDIR=build/profiles/<exercise>/. TOOL is one of:
#
#   perf        where the CPU time goes: samples every 0.25 ms (cpu-clock,
#               a timer: this VM has no hardware counters)
#   callgrind   where the instructions go, exactly, per benchmark
#   gperftools  where the CPU time goes, sampled in the timed loops only
#   massif      how the heap grows over time
#   memcheck    leaks and invalid reads or writes
#
# Environment:
#   FLAMEGRAPH=path      the flamegraph program (the Makefile passes its own)
#   PERF_CALLGRAPH=mode  how perf walks stacks: dwarf (default) or fp; see
#                        the perf section below
#   HARNESS_FRAMES=keep  keep the harness's frames in flame graphs (see
#                        trim_harness)
#
# Each tool writes its artefacts, and this script lists them at the end
# with a line on how to read each. A rerun replaces what the same tool
# wrote before, so the folder always holds one consistent run per tool.
set -eu

usage() {
	echo "usage: $0 perf|callgrind|gperftools|massif|memcheck BENCH_BINARY OUTDIR [BENCH_REGEX] [harness flags...]" >&2
	exit 2
}

die() {
	echo "profile: $*" >&2
	exit 1
}

[ $# -ge 3 ] || usage
tool=$1
bin=$2
outdir=${3%/} # the Makefile passes build/profiles/<id>/
[ -n "$outdir" ] || outdir=/
shift 3
regex=.
if [ $# -gt 0 ]; then
	regex=$1
	shift
fi
# What is left in "$@" goes to the harness after our flags; a later flag
# wins, so BENCHFLAGS='-benchtime 100x' overrides the defaults below.

here=$(cd "$(dirname "$0")" && pwd)
collapse_perf=$here/flamegraph/stackcollapse-perf.awk
collapse_callgrind=$here/flamegraph/stackcollapse-callgrind.awk
flamegraph=${FLAMEGRAPH:-$here/../build/tools/flamegraph}

[ -x "$bin" ] || die "no benchmark binary at $bin (make build EX=... first)"
mkdir -p "$outdir"

# need COMMAND PACKAGE: stop early, naming the Debian package to install.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "$1 is not installed: sudo apt-get install $2 (or: make deps)"
}

# What the script wrote, as "file<TAB>how to read it" lines for the end.
written=""
wrote() {
	written="$written$1	$2
"
}

# Run the benchmark command given as arguments, showing its output and
# keeping a copy in bench.txt; returns the command's exit status. The pipe
# to tee would hide that status, so it travels through a file.
run_bench() {
	status_file=$outdir/.status
	{
		set +e
		"$@"
		echo $? >"$status_file"
	} | tee "$outdir/bench.txt"
	status=$(cat "$status_file")
	rm -f "$status_file"
	wrote bench.txt "the harness's results for this run (Go benchmark format)"
	return "$status"
}

failed="the benchmark run failed; its messages are above"

# trim_harness KEEP < folded > folded: cut the harness's frames off the
# bottom of each stack. Every benchmark function is called by the
# harness's run_n, with 10 to 20 frames of harness below it (main,
# bench_main, run_benchmark, bench_run for each sub-benchmark level...),
# the same in every stack: they only push the interesting frames up the
# picture. So each stack loses everything up to its last run_n, except its
# first KEEP frames (callgrind's stacks start with the benchmark's name).
# Stacks without run_n (program start, the kernel) stay as they are.
trim_harness() {
	if [ "${HARNESS_FRAMES:-}" = keep ]; then
		cat
		return
	fi
	awk -v keep="$1" '{
		count = $NF
		n = split(substr($0, 1, length($0) - length(count) - 1), fr, ";")
		cut = 0
		for (i = n; i > keep; i--)
			if (fr[i] == "run_n") { cut = i; break }
		if (cut == 0 || cut == n) { print; next }
		s = ""
		for (i = 1; i <= keep; i++) s = s fr[i] ";"
		for (i = cut + 1; i < n; i++) s = s fr[i] ";"
		print s fr[n], count
	}'
}

# flame FOLDED TITLE COUNTNAME: draw folded stacks as flamegraph.svg.
flame() {
	if [ ! -x "$flamegraph" ]; then
		echo "profile: no flamegraph program at $flamegraph;" \
			"skipping the flame graph (make profile builds it)" >&2
		return 0
	fi
	if [ ! -s "$1" ]; then
		echo "profile: no stacks in $1; skipping the flame graph" >&2
		return 0
	fi
	"$flamegraph" --title "$2" --countname "$3" "$1" >"$outdir/flamegraph.svg"
	wrote flamegraph.svg "open it in a browser: hover for counts, click a frame to zoom, Ctrl-F to search"
	wrote "$(basename "$1")" "the folded stacks behind flamegraph.svg: 'root;...;leaf count' per line"
}

# The exercise's folder name, for titles: .../4.5-strbuf/bench -> 4.5-strbuf
exercise=$(basename "$(dirname "$bin")")
title="$exercise -bench '$regex'"

case $tool in
# --------------------------------------------------------------------------
perf)
	need perf linux-perf
	# HOW PERF FINDS THE CALLERS. With fp it follows the frame pointers,
	# cheap and what the course compiles for; but Debian's libc is built
	# without them, so a sample inside realloc or memcpy loses every
	# caller and shows up as a root of its own. dwarf copies 8 KB of
	# stack with each sample and unwinds it afterwards from the debug
	# info: perf.data grows (about 8 MB per second of benchmark) and
	# `perf script` is slower, but libc's frames sit under the code
	# that called them. Stacks deeper than 8 KB end in "[unknown]".
	callgraph=${PERF_CALLGRAPH:-dwarf}
	rm -f "$outdir/perf.data" "$outdir/perf.data.old"
	run_bench perf record -e cpu-clock --call-graph "$callgraph" \
		-o "$outdir/perf.data" -- "$bin" -bench "$regex" "$@" ||
		die "$failed (if perf says 'Permission denied': sudo sysctl kernel.perf_event_paranoid=1)"
	wrote perf.data "the samples: perf report -i perf.data (interactive), perf annotate -i perf.data SYMBOL"
	{
		echo "# Flat profile: the share of samples in each function itself"
		echo "# (self time), highest first. perf report -i perf.data for more."
		perf report -i "$outdir/perf.data" --stdio --no-children \
			--sort dso,symbol --percent-limit 0.5 -g none 2>/dev/null
		echo
		echo "# Where the hottest functions are called from (callers below"
		echo "# each function; >= 5% of samples)."
		perf report -i "$outdir/perf.data" --stdio --no-children \
			--sort dso,symbol --percent-limit 5 -g caller,0.5,callee \
			2>/dev/null
	} >"$outdir/perf-report.txt"
	wrote perf-report.txt "self time per function, then the call chains into the hottest ones"
	perf script -i "$outdir/perf.data" 2>/dev/null |
		awk -f "$collapse_perf" | trim_harness 0 | sort >"$outdir/perf.folded"
	flame "$outdir/perf.folded" "$title (perf, cpu-clock)" samples
	;;
# --------------------------------------------------------------------------
callgrind)
	need valgrind valgrind
	need callgrind_annotate valgrind
	# --collect-atstart=no: the harness switches collection on only inside
	# the timed loops, and asks for one dump per run, numbered from 1.
	# BENCH_CALLGRIND_OUT tells it the file name so it can read the counts
	# back for instructions/op. --separate-recs=10: the harness's runners
	# nest (bench_run -> run_benchmark -> ... -> bench_run); callgrind
	# names the levels f, f'2 .. f'10, and with its default of 2 the third
	# level would fold into the second, a cycle no flame graph can draw.
	# nouserintercepts: leave the harness's own malloc (which counts
	# allocs/op) to the harness; valgrind replaces only libc's.
	rm -f "$outdir"/callgrind.out "$outdir"/callgrind.out.*
	BENCH_CALLGRIND_OUT=$outdir/callgrind.out
	export BENCH_CALLGRIND_OUT
	run_bench valgrind --tool=callgrind --collect-atstart=no \
		--separate-recs=10 --soname-synonyms=somalloc=nouserintercepts \
		--callgrind-out-file="$outdir/callgrind.out" \
		"$bin" -bench "$regex" -benchtime 1000x "$@" || die "$failed"

	# WHICH DUMPS. The harness dumps after every run: a calibration dump
	# (empty), then per benchmark a probe with n=1 and the real run with
	# n=1000 (the -benchtime), and empty dumps for parents that only run
	# sub-benchmarks. What the harness reports is the last run of each
	# benchmark, so that is the dump we annotate and draw: for every
	# benchmark name, the dump with the largest n and a non-zero total.
	# Annotating them one by one, not summed, keeps each benchmark's
	# profile apart: summing strbuf and naive would describe neither.
	dumps=$(
		for f in "$outdir"/callgrind.out.*; do
			[ -f "$f" ] || continue
			trigger=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
			total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f")
			printf '%s\t%s\t%s\n' "${f##*.}" "${total:-0}" "$trigger"
		done | awk -F '\t' '
			$2 > 0 && match($3, / n=[0-9]+$/) {
				name = substr($3, 1, RSTART - 1)
				n = substr($3, RSTART + 3) + 0
				if (!(name in best) || n > most[name]) {
					best[name] = $1
					most[name] = n
				}
			}
			END { for (name in best) print best[name] }' | sort -n
	)
	[ -n "$dumps" ] || die "callgrind wrote no dump with instructions in it; did -bench '$regex' match a benchmark?"

	# callgrind_annotate (valgrind 3.19) counts the cost of a "calls=0"
	# arc as the caller's own cost. Callgrind writes such arcs for every
	# frame that was already on the stack when the harness switched
	# collection on, so the harness's run_benchmark would come out at
	# 200% "self". Saying calls=1 instead fixes the sums and changes only
	# the call counts of those outer frames, which nobody reads.
	: >"$outdir/callgrind-annotate.txt"
	for n in $dumps; do
		f=$outdir/callgrind.out.$n
		{
			echo "################################################################################"
			echo "# $(sed -n 's/^desc: Trigger: Client Request: //p' "$f")   ($f)"
			echo "################################################################################"
			sed 's/^calls=0 /calls=1 /' "$f" |
				callgrind_annotate --auto=no /dev/stdin |
				awk -v f="$f" '{ sub(/\/dev\/stdin/, f) } 1'
			echo
		} >>"$outdir/callgrind-annotate.txt"
	done
	wrote callgrind-annotate.txt "instructions per function (self cost) for each benchmark's measured run; divide by n for per-op"
	wrote "callgrind.out.N" "one dump per run; line by line: callgrind_annotate --auto=yes FILE (or kcachegrind FILE)"

	# shellcheck disable=SC2086 # $dumps is a list of numbers
	set -- $dumps
	for n in "$@"; do
		shift
		set -- "$@" "$outdir/callgrind.out.$n"
	done
	awk -f "$collapse_callgrind" "$@" | trim_harness 1 |
		sort >"$outdir/callgrind.folded"
	flame "$outdir/callgrind.folded" "$title (callgrind, measured runs)" instructions
	;;
# --------------------------------------------------------------------------
gperftools)
	need google-pprof google-perftools
	rm -f "$outdir/cpu.prof"
	# The harness loads libprofiler itself and samples only while a timer
	# runs, so setup and the harness's own work stay out of the profile.
	run_bench "$bin" -bench "$regex" -cpuprofile "$outdir/cpu.prof" "$@" ||
		die "$failed"
	[ -s "$outdir/cpu.prof" ] ||
		die "no profile in $outdir/cpu.prof (is libgoogle-perftools4 installed?)"
	wrote cpu.prof "the samples: google-pprof --web|--text|--list=FUNC $bin cpu.prof"
	google-pprof --text "$bin" "$outdir/cpu.prof" >"$outdir/pprof.txt" 2>/dev/null
	wrote pprof.txt "per function: self samples, self %, running %, then with callees (cum)"
	# --collapsed writes folded stacks, naming functions of the binary
	# "name<0000000000002ea0>" with their address; the address only
	# splits one function into several frames, so it goes.
	google-pprof --collapsed "$bin" "$outdir/cpu.prof" 2>/dev/null |
		sed 's/<[0-9a-f]\{16\}>//g' | trim_harness 0 |
		sort >"$outdir/pprof.folded"
	flame "$outdir/pprof.folded" "$title (gperftools)" samples
	;;
# --------------------------------------------------------------------------
massif)
	need valgrind valgrind
	need ms_print valgrind
	rm -f "$outdir/massif.out"
	# nouserintercepts, as for callgrind: massif still sees every block
	# (the harness's malloc hands them to libc's, which massif replaces),
	# and the harness's B/op and allocs/op stay right.
	run_bench valgrind --tool=massif --massif-out-file="$outdir/massif.out" \
		--soname-synonyms=somalloc=nouserintercepts \
		"$bin" -bench "$regex" -benchtime 1000x "$@" || die "$failed"
	wrote massif.out "heap snapshots over time; massif-visualizer massif.out if you have a desktop"
	ms_print "$outdir/massif.out" >"$outdir/massif.txt"
	wrote massif.txt "a graph of heap size over time, then the allocation stacks at the peak snapshots"
	;;
# --------------------------------------------------------------------------
memcheck)
	need valgrind valgrind
	rm -f "$outdir/memcheck.log"
	run_bench valgrind --leak-check=full \
		--soname-synonyms=somalloc=nouserintercepts \
		--log-file="$outdir/memcheck.log" \
		"$bin" -bench "$regex" -benchtime 100x "$@" ||
		die "$failed (and in $outdir/memcheck.log)"
	wrote memcheck.log "each error with its stack, then the leak summary; fix the first error first"
	echo
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$outdir/memcheck.log" |
		sed 's/^==[0-9]*== */memcheck: /' || true
	;;
# --------------------------------------------------------------------------
*)
	usage
	;;
esac

echo
echo "profile: wrote in $outdir/:"
printf '%s' "$written" | while IFS='	' read -r file how; do
	printf '  %-24s %s\n' "$file" "$how"
done
