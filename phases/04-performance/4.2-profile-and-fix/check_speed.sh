#!/bin/sh
# check_speed.sh - exercise 4.2's "performance" part: your wordfreq must
# print exactly what wordfreq_orig prints on every course input, and then
# run at least 5x fewer instructions than it on the large input.
#
# Reports {"speedup": S} where S = the original's instructions / yours,
# both counted by callgrind over the whole run in this same check. Any
# output difference, crash or hang reports speedup 0: a fast wrong answer
# earns nothing. The bar (speedup >= 5) lives in exercises/catalogue.json.
set -u
# shellcheck source=check_lib.sh
. "${HOTPATH_EX_DIR:?HOTPATH_EX_DIR is not set}/check_lib.sh"

need_tool valgrind
need_tool timeout
need_program wordfreq_orig
orig=$program
need_program wordfreq
mine=$program
inputs="$WORK_DIR/inputs"
mkdir -p "$inputs" "$WORK_DIR/out" || internal_error "cannot write to $WORK_DIR"
make_inputs "$inputs"

# show_line FILE N: line N of FILE, cut at 120 bytes, in sed's l notation,
# which shows any byte unambiguously (\303 for a byte, \t, $ at the end).
show_line()
{
	sed -n "$2{p;q;}" "$1" | cut -b 1-120 | LC_ALL=C sed -n l
}

# --- 1. The precondition: the same output on every input -----------------

checked=0
for input in "$inputs"/*; do
	name=${input##*/}
	want="$WORK_DIR/out/$name.want"
	got="$WORK_DIR/out/$name.got"

	run_limited "$NATIVE_LIMIT" "$input" "$want" "$want.err" "$orig"
	[ "$status" -eq 0 ] ||
		internal_error "$(describe_failure "wordfreq_orig on $name" "$status" "$want.err" "$NATIVE_LIMIT")"

	run_limited "$NATIVE_LIMIT" "$input" "$got" "$got.err" "$mine"
	if [ "$status" -ne 0 ]; then
		report "\"speedup\": 0, \"identical\": $checked" \
			"$(describe_failure "wordfreq on $name" "$status" "$got.err" "$NATIVE_LIMIT")"
	fi

	if ! diffs=$(cmp "$want" "$got" 2>&1); then
		# cmp says "A B differ: byte N, line L" or "EOF on B after
		# byte N, line L" or "EOF on B which is empty".
		line=$(printf '%s\n' "$diffs" | sed -n 's/.*line \([0-9][0-9]*\).*/\1/p')
		case $diffs in
		*"EOF on $got which is empty"*)
			where="your output is empty"
			line=1 ;;
		*"EOF on $got"*)
			where="your output stops after line $line"
			line=$((line + 1)) ;;
		*"EOF on $want"*)
			where="your output goes on past the $line lines expected"
			line=$((line + 1)) ;;
		*)
			where="the first difference is on line $line" ;;
		esac
		report "\"speedup\": 0, \"identical\": $checked" \
			"your output differs from wordfreq_orig's on $name: $where. Line $line expected: $(show_line "$want" "$line")  yours: $(show_line "$got" "$line")"
	fi
	checked=$((checked + 1))
done

# --- 2. The bar: instructions on the large input, both under callgrind ----

started=$(date +%s)
callgrind_run "$WORK_DIR/orig.cg" "$CALLGRIND_LIMIT" "$inputs/large.txt" "$orig"
[ "$status" -eq 0 ] ||
	internal_error "$(describe_failure "wordfreq_orig under callgrind" "$status" "$WORK_DIR/orig.cg.log" "$CALLGRIND_LIMIT")"
orig_took=$(($(date +%s) - started))
limit=$((3 * orig_took + 60))
callgrind_run "$WORK_DIR/mine.cg" "$limit" "$inputs/large.txt" "$mine"
if [ "$status" -ne 0 ]; then
	report "\"speedup\": 0, \"identical\": $checked" \
		"$(describe_failure "wordfreq under callgrind on large.txt" "$status" "$WORK_DIR/mine.cg.log" "$limit") (the original took $orig_took s)"
fi

orig_ir=$(callgrind_total "$WORK_DIR/orig.cg")
mine_ir=$(callgrind_total "$WORK_DIR/mine.cg")
[ -n "$orig_ir" ] && [ -n "$mine_ir" ] && [ "$mine_ir" -gt 0 ] ||
	internal_error "no instruction totals in callgrind's output"
speedup=$(awk -v a="$orig_ir" -v b="$mine_ir" 'BEGIN { printf "%.2f", a / b }')

report "\"speedup\": $speedup, \"identical\": $checked, \"instructions\": $mine_ir, \"original_instructions\": $orig_ir" \
	"same output as wordfreq_orig on all $checked inputs; on large.txt it ran $orig_ir instructions and yours $mine_ir: ${speedup}x fewer"
