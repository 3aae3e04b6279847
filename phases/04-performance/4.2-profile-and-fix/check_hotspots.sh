#!/bin/sh
# check_hotspots.sh - exercise 4.2's "hotspots" part: slot N of your
# hotspots.md must name the function of wordfreq_orig.c that callgrind
# ranks Nth by self cost on the large input, with a filled-in why: line.
#
# The ranking is not written down anywhere: this check profiles the
# original with callgrind now, on this machine and compiler, and ranks the
# functions of wordfreq_orig's own code (glibc's malloc or printf cannot be
# renamed or fixed; their callers can). gcc's clones such as
# find_word.isra.0 count as the function they were cloned from.
# Reports {"slot1": 0|1, "slot2": 0|1, "slot3": 0|1}.
set -u
# shellcheck source=check_lib.sh
. "${HOTPATH_EX_DIR:?HOTPATH_EX_DIR is not set}/check_lib.sh"

need_tool valgrind
need_tool callgrind_annotate
need_tool timeout
need_program wordfreq_orig
orig=$program
answers="$SRC_DIR/hotspots.md"
[ -r "$answers" ] || report '"slot1": 0, "slot2": 0, "slot3": 0' \
	"hotspots.md is missing from your files"

inputs="$WORK_DIR/inputs"
mkdir -p "$inputs" || internal_error "cannot write to $WORK_DIR"
make_inputs "$inputs"

callgrind_run "$WORK_DIR/orig.cg" "$CALLGRIND_LIMIT" "$inputs/large.txt" "$orig"
[ "$status" -eq 0 ] ||
	internal_error "$(describe_failure "wordfreq_orig under callgrind" "$status" "$WORK_DIR/orig.cg.log" "$CALLGRIND_LIMIT")"
callgrind_ranking "$WORK_DIR/orig.cg" "${orig##*/}" > "$WORK_DIR/ranking"
[ "$(wc -l < "$WORK_DIR/ranking")" -ge 3 ] ||
	internal_error "callgrind_annotate listed fewer than 3 functions of wordfreq_orig"

# Your three slots, as "N name has_why" lines. A slot is a line such as
# "1. function: find_word" (backticks, "()", a "wordfreq_orig.c:" prefix
# or a ".isra.0" suffix are all fine) followed by a "why:" line.
awk '
	{ lower = tolower($0) }
	lower ~ /^[ \t]*[1-3][.)][ \t]*function:/ {
		match($0, /[1-3]/)
		slot = substr($0, RSTART, 1)
		text = substr($0, index(lower, "function:") + 9)
		gsub(/`/, "", text)
		sub(/^[ \t]*[^ \t:]*\.c:/, "", text)   # wordfreq_orig.c:name
		name[slot] = match(text, /[A-Za-z_][A-Za-z0-9_]*/) ? \
			substr(text, RSTART, RLENGTH) : ""
		current = slot
		next
	}
	lower ~ /^[ \t]*why:/ && current != "" {
		text = substr($0, index(lower, "why:") + 4)
		if (text ~ /[A-Za-z]/)
			why[current] = 1
		current = ""
	}
	END {
		for (s = 1; s <= 3; s++)
			print s, (name[s] == "" ? "-" : name[s]), (why[s] ? 1 : 0)
	}' "$answers" > "$WORK_DIR/slots"

metrics="" message=""
while read -r slot name has_why; do
	rank_name=$(sed -n "${slot}s/ .*//p" "$WORK_DIR/ranking")
	if [ "$name" = "-" ]; then
		verdict="left empty"
	elif ! grep -q "^$name " "$WORK_DIR/ranking"; then
		verdict="$name is not a function of wordfreq_orig.c that ran"
	elif [ "$name" != "$rank_name" ]; then
		verdict="$name is not callgrind's number $slot by self cost"
	elif [ "$has_why" -ne 1 ]; then
		verdict="$name is right; now say why it costs so much on its why: line"
	else
		verdict="$name, right"
	fi
	ok=0
	[ "$verdict" = "$name, right" ] && ok=1
	metrics="$metrics${metrics:+, }\"slot$slot\": $ok"
	message="$message${message:+; }$slot: $verdict"
done < "$WORK_DIR/slots"

report "$metrics" "$message (ranked by callgrind on large.txt, self cost)"
