#!/bin/sh
# stack_usage.sh - the stack part of exercise 4.4: every function's stack
# frame in your handler.c and arena.c, read from the .su files the compiler
# wrote next to their objects (-fstack-usage, set in exercise.mk).
#
# The grader runs it with HOTPATH_BUILD_DIR set (exercises/README.md,
# "Scripts"); by hand, after `make build EX=4.4`:
#
#     HOTPATH_BUILD_DIR=build/phases/04-performance/4.4-stack-vs-heap \
#         phases/04-performance/4.4-stack-vs-heap/stack_usage.sh
#
# A .su line is "file:line:col:function<TAB>bytes<TAB>qualifier" (clang
# leaves out the column). The qualifier says how far to trust the bytes:
#   static           the frame is exactly this size
#   dynamic,bounded  the stack pointer moves inside the function (e.g. to
#                    push arguments for a call), but never past this size
#   dynamic          a VLA or alloca(): the size depends on the input, and
#                    the number is only the fixed part. No bound exists, so
#                    such a frame counts as unbounded and fails its bar.
#
# Reported metrics (the last line, JSON):
#   stack/<function>   bytes, for every function found (clones such as
#                      route_of.part.0 count toward route_of)
#   stack/largest      the largest frame of any function in your files
#   stack/unbounded    how many of them have a "dynamic" frame
set -eu

build=${HOTPATH_BUILD_DIR:?set HOTPATH_BUILD_DIR to the exercise build folder}
graded="log_format range_parse cache_key_build query_canonical route_of"

fail() {
	echo "stack_usage.sh: $*" >&2
	exit 1
}

for f in handler arena; do
	[ -f "$build/$f.su" ] || fail "no $build/$f.su: was $f.c compiled with" \
		"-fstack-usage (exercise.mk sets it)?"
done

# One line per function: name, bytes, qualifier.
frames=$(cat "$build/handler.su" "$build/arena.su" | awk -F '\t' '
	NF >= 3 { n = split($1, part, ":"); print part[n], $2, $3 }')

for fn in $graded; do
	echo "$frames" | awk -v fn="$fn" '$1 == fn { found = 1 } END { exit !found }' ||
		fail "no frame for $fn in $build/handler.su"
done

echo "$frames" | awk -v graded="$graded" '
	function base(name) { sub(/\..*/, "", name); return name }
	{
		name = $1; bytes = $2 + 0; qual = $3
		printf "%-28s %7d bytes  %s\n", name, bytes, qual
		b = base(name)
		if (!(b in frame) || bytes > frame[b])
			frame[b] = bytes
		if (bytes > largest) {
			largest = bytes
			largest_name = name
		}
		if (qual == "dynamic") {
			unbounded++
			unbounded_names = unbounded_names " " name
		}
	}
	END {
		json = ""
		for (b in frame)
			json = json sprintf("\"stack/%s\": %d, ", b, frame[b])
		msg = sprintf("largest frame %s, %d bytes", largest_name, largest)
		if (unbounded > 0)
			msg = msg sprintf("; unbounded (VLA or alloca):%s", unbounded_names)
		else
			msg = msg "; no VLA or alloca"
		printf "{\"metrics\": {%s\"stack/largest\": %d, \"stack/unbounded\": %d}, \"message\": \"%s\"}\n",
			json, largest, unbounded + 0, msg
	}'
