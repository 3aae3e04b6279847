#!/bin/sh
# tsan_check.sh BUILD_DIR - the server's threads under ThreadSanitizer.
# Criterion's runner cannot start under TSan on this machine (boxfort's
# arena), so instead of the tests this runs the server program built with
# SAN=thread under wrk load while it takes a profile, refuses a second one
# and answers every debug endpoint, then stops it; it fails when TSan
# reported anything (tsan.supp silences libprofiler's own races only).
#
#   make build EX=4.7 IMPL=solutions SAN=thread
#   phases/04-performance/4.7-profiling-server/tsan_check.sh \
#       build/solutions-thread/04-performance/4.7-profiling-server
set -eu
build=${1:?usage: tsan_check.sh BUILD_DIR_OF_A_SAN=thread_BUILD}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/serverctl.sh"
work=$(mktemp -d /tmp/hotpath-tsan-XXXXXX)
pid=""
trap 'stop_prog "$pid"; rm -rf "$work"' EXIT INT TERM

TSAN_OPTIONS="suppressions=$here/tsan.supp halt_on_error=0 exitcode=66" \
	start_prog "$work/server.log" "$build/server" --addr 127.0.0.1:0 \
	--debug-addr 127.0.0.1:0 --store-file "$work/m.json" --store-interval 1
pid=$started_pid
port=$(wait_port "$work/server.log" "metrics API")
debug=$(wait_port "$work/server.log" "debug listener")
seed "$port"
wrk -t1 -c32 -d6s -s "$here/load.lua" "http://127.0.0.1:$port/" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
sleep 0.5
curl -s -o "$work/cpu.prof" "http://127.0.0.1:$debug/debug/pprof/profile?seconds=3" &
curl_pid=$!
sleep 0.5
codes=$(curl -s -o /dev/null -w '%{http_code}' \
	"http://127.0.0.1:$debug/debug/pprof/profile?seconds=1")
for path in /debug/pprof/ /debug/pprof/heap /debug/pprof/cmdline \
	/debug/pprof/symbol /debug/vars /metrics /debug/pprof/goroutine; do
	codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$debug$path")"
done
codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -d '0x1+0x2' \
	"http://127.0.0.1:$debug/debug/pprof/symbol")"
wait "$curl_pid" "$wrk_pid"
stop_prog "$pid"
status=$?
pid=""
reports=$(grep -c 'WARNING: ThreadSanitizer' "$work/server.log" || true)
echo "tsan_check: answers $codes; $(grep 'Requests/sec' "$work/wrk.out")"
if [ "$reports" -ne 0 ]; then
	grep -A 12 'WARNING: ThreadSanitizer' "$work/server.log" | head -n 60
	echo "tsan_check: FAIL: $reports ThreadSanitizer report(s)"
	exit 1
fi
echo "tsan_check: PASS: no ThreadSanitizer report"
