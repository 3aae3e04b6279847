#!/bin/sh
# test.sh - the course's own test suite, run by `make test`.
#
# It proves what the course promises: everything builds warning-free with gcc
# and clang; the harness, comparison tool, flame-graph renderer and grader
# pass their self-tests; every solution passes its tests under
# AddressSanitizer/UBSan and its benchmarks under ThreadSanitizer; and the
# grader's self-test shows each solution earns full marks, each skeleton 0,
# and each mutant loses the points it should. The last line is always
# "N passed, N failed", counting single checks (a Criterion suite counts
# each of its tests).
#
# Usage: tools/test.sh [BUILDROOT]   (default build/test, kept apart from
# your own builds so `make test` never rebuilds them)
set -u

BR=${1:-build/test}
MAKE=${MAKE:-make}
JOBS=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
failures=""
started=$(date +%s)

# section TITLE: a heading, with the time spent so far (CI has a budget).
section() {
	echo "== $1 ($(($(date +%s) - started)) s in)"
}

pass() {
	passed=$((passed + 1))
	echo "PASS $1"
}

# fail WHAT [DETAILS]: count it, say why (the last lines of DETAILS).
fail() {
	failed=$((failed + 1))
	failures="$failures
  $1"
	echo "FAIL $1"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | tail -n 25 | sed 's/^/    | /'
	fi
}

# check WHAT COMMAND...: one check, passing when COMMAND exits 0.
check() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$what"
	else
		fail "$what" "$out"
	fi
}

# criterion WHAT BINARY [ARGS...]: a Criterion suite, counted per test.
criterion() {
	what=$1
	bin=$2
	shift 2
	if [ ! -x "$bin" ]; then
		fail "$what: $bin was not built"
		return
	fi
	out=$("$bin" --ascii -j"$JOBS" "$@" 2>&1)
	rc=$?
	synth=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
	p=$(printf '%s\n' "$synth" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(printf '%s\n' "$synth" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	if [ -z "$p" ] || [ -z "$f" ]; then
		fail "$what: no Criterion summary (exit $rc)" "$out"
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ] && [ "$rc" -eq 0 ]; then
		echo "PASS $what ($p tests)"
	else
		failures="$failures
  $what"
		echo "FAIL $what ($f of $((p + f)) tests failed, exit $rc)"
		printf '%s\n' "$out" | grep -E '^\[(FAIL|----)\]' | head -n 40 |
			sed 's/^/    | /'
		[ "$f" -eq 0 ] && failed=$((failed + 1))
	fi
}

# counted WHAT COMMAND...: a command that prints its own
# "N passed, N failed" line (the grader's self-test): add its counts.
counted() {
	what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | sed 's/^/  /'
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		fail "$what: no summary line (exit $rc)" "$out"
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ] && [ "$rc" -eq 0 ]; then
		echo "PASS $what ($p checks)"
	else
		failures="$failures
  $what"
		echo "FAIL $what ($f failed, exit $rc)"
		[ "$f" -eq 0 ] && failed=$((failed + 1))
	fi
}

build() {
	check "build: $*" $MAKE -s --no-print-directory -j"$JOBS" WERROR=1 "$@"
}

exercise_dirs() {
	for mk in phases/*/*/exercise.mk; do
		dirname "$mk" | sed 's|^phases/||'
	done
}

section "building (gcc and clang, warnings are errors)"
build all IMPL=phases BUILDROOT="$BR"
build all IMPL=solutions BUILDROOT="$BR"
build all IMPL=solutions CC=clang BUILDROOT="$BR/clang"
build all IMPL=phases CC=clang BUILDROOT="$BR/clang"
build all IMPL=solutions SAN=address,undefined BUILDROOT="$BR"
build all IMPL=solutions SAN=thread BUILDROOT="$BR"
build tools BUILDROOT="$BR"

section "the harness"
criterion "bench: harness self-test" "$BR/solutions/bench/bench_test"
criterion "bench: harness self-test (clang)" "$BR/clang/solutions/bench/bench_test"
criterion "bench: harness self-test (ASan+UBSan)" \
	"$BR/solutions-address-undefined/bench/bench_test"
check "bench: parallel benchmarks are race-free (TSan)" \
	"$BR/solutions-thread/bench/harness" -bench 'MallocFree/.*parallel' \
	-benchtime 2000x -cpu 1,2

section "the tools"
for t in "$BR"/tools/*_test; do
	[ -x "$t" ] && criterion "tools: $(basename "$t")" "$t"
done

# TSan where threads are involved: an exercise whose own code or whose
# benchmarks start threads. (Criterion cannot run under TSan, Snaipe/
# Criterion#274, so the benchmarks are the threaded driver.)
uses_threads() {
	grep -qE 'bench_run_parallel|pthread_create' \
		phases/"$1"/*.c solutions/"$1"/*.c 2>/dev/null
}

section "every solution under the sanitizers"
for ex in $(exercise_dirs); do
	t="$BR/solutions-address-undefined/$ex/test"
	[ -x "$t" ] && criterion "$ex: tests under ASan+UBSan" "$t"
	b="$BR/solutions-thread/$ex/bench"
	if [ -x "$b" ] && uses_threads "$ex"; then
		check "$ex: benchmarks under TSan" "$b" -benchtime 3x -cpu 1,2
	fi
done

check "4.7: the server under load and profiling is race-free (TSan)" \
	phases/04-performance/4.7-profiling-server/tsan_check.sh \
	"$BR/solutions-thread/04-performance/4.7-profiling-server"

section "the grader's self-test: solutions full, skeletons 0, mutants caught"
counted "grade selftest" "$BR/tools/grade" selftest -j "$JOBS" \
	--buildroot "$BR/grade"

section "the handout"
check "handout: no solution inside" tools/handout.sh "$BR"

if [ "$failed" -gt 0 ]; then
	echo
	echo "failed:$failures"
fi
echo "took $(($(date +%s) - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
