#!/bin/sh
# race.sh - the "races" part of exercise 4.3: build pool_race.c with your
# pool.c and bufpool.c under ThreadSanitizer, run it, and report what TSan
# saw as JSON (see exercises/README.md, "Scripts"). Run by the grader;
# to see the reports yourself:
#     make build EX=4.3 SAN=thread
#     build/phases-thread/04-performance/4.3-pool/pool_race
set -u

ex=${HOTPATH_EX_DIR:?run by the grader: see exercises/README.md}
src=${HOTPATH_SRC_DIR:?}
work=${HOTPATH_WORK_DIR:?}
cc=${CC:-cc}
bin=$work/pool_race_tsan
log=$work/pool_race_tsan.log

# The same flags as the Makefile's, plus ThreadSanitizer; headers come from
# the course (learners edit only the .c files).
if ! "$cc" -std=c17 -O2 -g -fno-omit-frame-pointer -D_GNU_SOURCE \
	-fsanitize=thread -I"$ex" -o "$bin" \
	"$src/pool.c" "$src/bufpool.c" "$ex/pool_race.c" -lpthread 2>"$log"; then
	tail -n 20 "$log"
	echo "race.sh: could not build pool_race with -fsanitize=thread" >&2
	exit 1
fi

# halt_on_error=0: count every race, not just the first.
TSAN_OPTIONS="halt_on_error=0 exitcode=66" timeout 300 "$bin" >"$log" 2>&1
status=$?

reports=$(grep -c 'WARNING: ThreadSanitizer' "$log")
failed=$(grep -c 'pool_race: FAIL' "$log")
first=$(grep -m1 -A3 'WARNING: ThreadSanitizer' "$log" | grep -m1 '#0 ' |
	sed 's/^ *#0 //; s/^0x[0-9a-f]* in //; s/ (.*//; s/"/'"'"'/g')
clean=0
if [ "$status" -eq 0 ] && [ "$reports" -eq 0 ] && [ "$failed" -eq 0 ]; then
	clean=1
	msg="no data race reported; every check held"
elif [ "$reports" -gt 0 ]; then
	msg="ThreadSanitizer reported $reports data race(s); the first in: $first"
elif [ "$failed" -gt 0 ]; then
	msg="$failed check(s) failed: $(grep -m1 'pool_race: FAIL' "$log" |
		sed 's/"/'"'"'/g')"
else
	msg="pool_race exited with status $status: $(tail -n 1 "$log" |
		sed 's/"/'"'"'/g')"
fi
printf '{"metrics": {"clean": %d, "tsan_reports": %d, "failed_checks": %d}, "message": "%s"}\n' \
	"$clean" "$reports" "$failed" "$msg"
