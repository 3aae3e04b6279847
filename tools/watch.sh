#!/bin/sh
# watch.sh GRADE EX [IMPL] [BUILDROOT] - re-grade one exercise every time
# one of its files is saved: `make watch EX=4.5`.
#
# The screen shows the first thing to fix: the first failing part, what was
# expected, what was measured, and the hint command. It waits with
# inotifywait (inotify-tools) on the exercise's folder, since editors often
# save by writing a new file and renaming it over the old one, which a watch
# on the file itself would lose. Where inotify sees nothing (WSL's /mnt/c,
# network file systems: rustlings #417, #444) or inotifywait is missing, it
# polls the files' modification times once a second instead;
# HOTPATH_WATCH_POLL=1 forces that.
set -u

if [ $# -lt 2 ]; then
	echo "usage: tools/watch.sh GRADE EX [IMPL] [BUILDROOT]" >&2
	exit 2
fi
grade=$1
ex=$2
impl=${3:-phases}
buildroot=${4:-build}

files=$("$grade" files --ex "$ex" --impl "$impl") || exit 2
dirs=$(for f in $files; do dirname "$f"; done | sort -u)

poll=${HOTPATH_WATCH_POLL:-}
if ! command -v inotifywait >/dev/null 2>&1; then
	echo "watch: inotifywait not found (apt-get install inotify-tools);" \
		"polling once a second instead" >&2
	poll=1
fi
case "$files" in
/mnt/*) poll=1 ;; # WSL's Windows drives send no inotify events
esac

grade_once() {
	# clear the screen (and scrollback) only on a terminal
	[ -t 1 ] && printf '\033[H\033[2J\033[3J'
	echo "make watch EX=$ex: graded at $(date +%H:%M:%S)"
	"$grade" run --ex "$ex" --impl "$impl" --buildroot "$buildroot" \
		--first-failure
	echo
	echo "watching $(echo "$files" | sed "s|^$(pwd)/||" | tr '\n' ' ')- save to re-grade, Ctrl-C to stop"
}

stamp() {
	# one line per file: its modification time (missing files count too)
	for f in $files; do
		stat -c '%Y.%y' "$f" 2>/dev/null || echo "missing $f"
	done
}

waiter=""
# Stop the waiting inotifywait too, not only this shell.
trap '[ -n "$waiter" ] && kill "$waiter" 2>/dev/null; echo; exit 0' INT TERM
grade_once
last=$(stamp)
while :; do
	if [ -n "$poll" ]; then
		sleep 1
	else
		# Wake on anything in the folders, then decide by mtime below:
		# that ignores the editor's swap and backup files.
		# $dirs unquoted on purpose: one argument per folder.
		# shellcheck disable=SC2086
		inotifywait -qq -e close_write,moved_to,create $dirs &
		waiter=$!
		wait "$waiter" || sleep 1
		waiter=
	fi
	now=$(stamp)
	[ "$now" = "$last" ] && continue
	# An editor's save is a burst of events: let it settle first.
	sleep 0.2
	last=$(stamp)
	grade_once
done
