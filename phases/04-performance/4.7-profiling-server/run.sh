#!/bin/sh
# run.sh BUILD_DIR - `make run EX=4.7 [PORT=8080] [DEBUG_PORT=6060]`: the
# metrics server in the foreground, its debug listener on loopback, the
# store in BUILD_DIR/metrics.json. Ctrl-C saves and stops it.
# HEAP_PROFILE=1 adds gperftools' heap profiler (see heapprof.h).
set -eu
build=${1:?usage: run.sh BUILD_DIR}
port=${PORT:-8080}
debug_port=${DEBUG_PORT:-6060}
cat <<MSG
run.sh: in another terminal, try
  curl -X POST http://127.0.0.1:$port/update/counter/hits/1
  make load EX=4.7 PORT=$port
  google-pprof --text --seconds=5 $build/server http://127.0.0.1:$debug_port/debug/pprof/profile
  curl http://127.0.0.1:$debug_port/metrics
MSG
exec "$build/server" --addr "127.0.0.1:$port" \
	--debug-addr "127.0.0.1:$debug_port" \
	--store-file "${STORE_FILE:-$build/metrics.json}"
