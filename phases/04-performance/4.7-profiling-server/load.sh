#!/bin/sh
# load.sh BUILD_DIR - `make load EX=4.7 [PORT=8080]`: put the metrics
# server under wrk load and print requests/s, latency percentiles and
# errors. With PORT set and a server answering there (`make run`), load
# that one, so you can profile it meanwhile; otherwise start one of our
# own on free ports (debug listener included) and stop it afterwards.
#   DURATION=30     seconds of load
#   CONNECTIONS=64  open connections
#   THREADS=1       wrk threads (wrk shares the machine's cores with the
#                   server: on 2 cores, one thread for wrk is right)
set -eu
build=${1:?usage: load.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/serverctl.sh"
duration=${DURATION:-30}
connections=${CONNECTIONS:-64}
threads=${THREADS:-1}
pid=""

if [ -n "${PORT:-}" ] && curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; then
	port=$PORT
	echo "load.sh: loading the server already on port $port"
else
	work=$(mktemp -d /tmp/hotpath-load-XXXXXX)
	trap 'stop_prog "$pid"; rm -rf "$work"' EXIT INT TERM
	start_prog "$work/server.log" "$build/server" --addr 127.0.0.1:0 \
		--debug-addr 127.0.0.1:0 --store-file "$work/metrics.json" \
		--store-interval 0
	pid=$started_pid
	port=$(wait_port "$work/server.log" "metrics API")
	debug=$(wait_port "$work/server.log" "debug listener")
	echo "load.sh: started $build/server on port $port, debug on $debug:"
	echo "  google-pprof --text --seconds=5 $build/server http://127.0.0.1:$debug/debug/pprof/profile"
fi
seed "$port"
echo "load.sh: wrk -t$threads -c$connections -d${duration}s for ${duration} s"
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
	-s "$here/load.lua" "http://127.0.0.1:$port/"
