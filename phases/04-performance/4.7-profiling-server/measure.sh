#!/bin/sh
# measure.sh - the "load" part of exercise 4.7 (see exercises/README.md,
# "Scripts"): the server's throughput under wrk against hello, the trivial
# libmicrohttpd server, with and without profiling, all in one run.
#
# Four servers answer the same request mix (load.lua), 64 connections:
#   hello     hello.c: libmicrohttpd alone, set up like the API
#   off       the server, no debug listener (no request counting either)
#   on        the server with its debug listener: requests are counted
#   profiled  "on" while a CPU profile (/debug/pprof/profile) is taken
# Each round runs each of them for MEASURE_SECONDS (default 3), in a
# rotating order, so a slow moment of the shared machine falls on a
# different server each round; ratios are taken within each round and the
# median over MEASURE_ROUNDS (default 5) rounds is reported. Metrics:
#   errors, non_2xx      summed over every run of off, on and profiled
#   profiles_ok          1 when every profile came back 200 and was one
#   vs_hello             on / hello          (the README's bar: >= 0.8)
#   profiling_cost_ratio profiled / off      (the README's bar: >= 0.95)
#   counting_ratio       on / off, sampling_ratio  profiled / on
#   *_rps                the medians themselves
# Run it yourself:
#   HOTPATH_EX_DIR=phases/04-performance/4.7-profiling-server \
#   HOTPATH_BUILD_DIR=build/phases/04-performance/4.7-profiling-server \
#   HOTPATH_WORK_DIR=$(mktemp -d) sh phases/04-performance/4.7-profiling-server/measure.sh
set -u

ex=${HOTPATH_EX_DIR:?run by the grader: see exercises/README.md}
build=${HOTPATH_BUILD_DIR:?}
work=${HOTPATH_WORK_DIR:?}
secs=${MEASURE_SECONDS:-3}
rounds=${MEASURE_ROUNDS:-5}
. "$ex/serverctl.sh"

pids=""
cleanup() {
	for p in $pids; do
		stop_prog "$p"
	done
}
trap cleanup EXIT INT TERM

fail() {
	msg=$(printf '%s' "$*" | tr '\n"' "  ")
	printf '{"metrics": {"profiles_ok": 0}, "message": "%s"}\n' "$msg"
	exit 1
}

command -v wrk >/dev/null || fail "wrk is not installed (apt-get install wrk)"

start_prog "$work/hello.log" "$build/hello" --addr 127.0.0.1:0
pids="$pids $started_pid"
hello=$(wait_port "$work/hello.log" "hello: listening") ||
	fail "hello did not start: $(tail -n 3 "$work/hello.log")"

start_prog "$work/off.log" "$build/server" --addr 127.0.0.1:0 \
	--debug-addr "" --store-file "$work/off.json" --store-interval 0
pids="$pids $started_pid"
off=$(wait_port "$work/off.log" "metrics API") ||
	fail "the server did not start: $(tail -n 3 "$work/off.log")"

start_prog "$work/on.log" "$build/server" --addr 127.0.0.1:0 \
	--debug-addr 127.0.0.1:0 --store-file "$work/on.json" --store-interval 0
pids="$pids $started_pid"
on=$(wait_port "$work/on.log" "metrics API") ||
	fail "the server did not start with its debug listener: $(tail -n 3 "$work/on.log")"
debug=$(wait_port "$work/on.log" "debug listener") ||
	fail "no debug listener: $(tail -n 3 "$work/on.log")"

seed "$off" && seed "$on" ||
	fail "seeding the servers failed"

# run NAME PORT SECONDS: one wrk run; appends "rps errors non_2xx" to
# $work/NAME.runs.
run() {
	wrk -t1 -c64 -d"$3s" -s "$ex/load.lua" "http://127.0.0.1:$2/" \
		>"$work/wrk.out" 2>&1 || fail "wrk failed: $(tail -n 3 "$work/wrk.out")"
	line=$(grep '^{"requests"' "$work/wrk.out") ||
		fail "wrk printed no summary: $(tail -n 3 "$work/wrk.out")"
	echo "$line" | sed 's/[{}",:]/ /g' | awk '{
		for (i = 1; i < NF; i++) v[$i] = $(i + 1)
		e = v["connect_errors"] + v["read_errors"] + v["write_errors"]
		print v["rps"], e + v["timeouts"], v["non_2xx"] }' >>"$work/$1.runs"
}

profiles_ok=1
# profiled: a profile that covers the whole run, taken meanwhile.
run_profiled() {
	curl -s -o "$work/cpu.prof" -w '%{http_code}' --max-time $((secs + 30)) \
		"http://127.0.0.1:$debug/debug/pprof/profile?seconds=$((secs + 1))" \
		>"$work/curl.code" 2>/dev/null &
	curl_pid=$!
	sleep 0.3
	run profiled "$on" "$secs"
	wait "$curl_pid"
	# a gperftools CPU profile starts with the 64-bit words 0 3 0
	head=$(od -A n -t u8 -N 24 -w24 "$work/cpu.prof" 2>/dev/null | tr -s ' ')
	if [ "$(cat "$work/curl.code")" != 200 ] || [ "$head" != " 0 3 0" ]; then
		profiles_ok=0
	fi
}

# Warm up each server (page cache, allocator, connection setup).
for p in $hello $off $on; do
	wrk -t1 -c64 -d1s -s "$ex/load.lua" "http://127.0.0.1:$p/" >/dev/null 2>&1
done

r=0
while [ $r -lt "$rounds" ]; do
	case $((r % 4)) in
	0) order="hello off on profiled" ;;
	1) order="off on profiled hello" ;;
	2) order="on profiled hello off" ;;
	*) order="profiled hello off on" ;;
	esac
	for what in $order; do
		case $what in
		hello) run hello "$hello" "$secs" ;;
		off) run off "$off" "$secs" ;;
		on) run on "$on" "$secs" ;;
		profiled) run_profiled ;;
		esac
	done
	r=$((r + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() { cut -d' ' -f1 "$work/$1.runs" | median; }
sum() { cat "$work"/off.runs "$work"/on.runs "$work"/profiled.runs | awk -v c="$1" '{ s += $c } END { print s + 0 }'; }
# ratio A B: the median over rounds of A's req/s over B's in the same
# round. Runs of one round are seconds apart, so they share the machine's
# mood of the moment better than medians taken over the whole run.
ratio() {
	paste -d' ' "$work/$1.runs" "$work/$2.runs" |
		awk '{ printf "%.6f\n", ($4 > 0 ? $1 / $4 : 0) }' | median |
		awk '{ printf "%.3f", $1 }'
}

h=$(med hello) o=$(med off) n=$(med on) p=$(med profiled)
errors=$(sum 2)
non2xx=$(sum 3)
vs_hello=$(ratio on hello)
cost=$(ratio profiled off)
counting=$(ratio on off)
sampling=$(ratio profiled on)
msg="median req/s over $rounds rounds of ${secs} s: hello $h, off $o, on $n, profiled $p; on/hello $vs_hello, profiled/off $cost; $errors socket errors, $non2xx non-2xx"
[ "$profiles_ok" = 1 ] || msg="$msg; a profile taken under load was not a 200 gperftools profile"
printf '{"metrics": {"errors": %s, "non_2xx": %s, "profiles_ok": %s, "vs_hello": %s, "profiling_cost_ratio": %s, "counting_ratio": %s, "sampling_ratio": %s, "hello_rps": %s, "off_rps": %s, "on_rps": %s, "profiled_rps": %s}, "message": "%s"}\n' \
	"$errors" "$non2xx" "$profiles_ok" "$vs_hello" "$cost" "$counting" \
	"$sampling" "$h" "$o" "$n" "$p" "$msg"
