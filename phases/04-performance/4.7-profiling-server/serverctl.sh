# serverctl.sh - shell functions shared by run.sh, load.sh and measure.sh:
# start a program of this exercise on free ports, read back the ports it
# chose, seed the store, stop it. Sourced, not run.

# start_prog LOG PROGRAM ARGS... - start PROGRAM in the background with
# its output in LOG; sets $started_pid. Fails if it exits at once.
start_prog() {
	log=$1
	shift
	"$@" >"$log" 2>&1 &
	started_pid=$!
}

# wait_port LOG WORD - print the port of the first "WORD on
# http://127.0.0.1:PORT/" line of LOG, waiting up to 10 s for it; fails
# (with the log on stderr) when the program exits or never says it.
wait_port() {
	n=0
	while [ $n -lt 200 ]; do
		port=$(sed -n "s|.*$2 on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p" "$1" | head -n 1)
		if [ -n "$port" ]; then
			echo "$port"
			return 0
		fi
		if ! kill -0 "$started_pid" 2>/dev/null; then
			break
		fi
		sleep 0.05
		n=$((n + 1))
	done
	echo "serverctl: no \"$2\" line; the program said:" >&2
	tail -n 5 "$1" >&2
	return 1
}

# The metrics load.lua reads and updates, so that every request of the mix
# succeeds from the first one on.
SEED_JSON='[{"id":"requests","type":"counter","delta":1},
{"id":"load","type":"gauge","value":0.5},
{"id":"cpu","type":"gauge","value":0.25},
{"id":"a","type":"counter","delta":1},
{"id":"b","type":"gauge","value":1},
{"id":"c","type":"counter","delta":1}]'

# seed PORT - store SEED_JSON in the server on PORT.
seed() {
	curl -sf -o /dev/null -X POST --data-binary "$SEED_JSON" \
		-H 'Content-Type: application/json' "http://127.0.0.1:$1/updates"
}

# stop_prog PID - SIGTERM and wait (the server saves and exits).
stop_prog() {
	kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	return 0
}
