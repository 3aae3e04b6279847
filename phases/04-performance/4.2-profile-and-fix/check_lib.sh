# check_lib.sh - what check_speed.sh and check_hotspots.sh share: the
# course's inputs, running a program with limits, reading callgrind's
# figures, and printing the JSON line the grader reads. POSIX sh, sourced.
#
# The grader runs the checks with the environment of exercises/README.md
# ("Scripts"); to run one by hand, see README.md ("What is graded").
# POSIX sh has no local variables: the functions' own start with "_".
# shellcheck shell=sh disable=SC2034 # the sourcing scripts use the settings

# The large input: gentext WORDS DISTINCT WORDS_PER_LINE SEED. Both the
# performance bar and the hotspot ranking are measured on it; the README's
# profiling commands use the same arguments.
LARGE_ARGS="60000 2000 12 1"
# Very long lines: two lines of 15000 words each.
LONG_LINES_ARGS="30000 1500 15000 2"
# A single word of this many kilobytes, twice.
HUGE_WORD_KB=200

# Seconds a program may run natively on one input before it counts as
# hanging (the original needs well under a second on any of them), and
# seconds the original may take under callgrind on the large input (about
# 5 s of CPU; the wall clock stretches on a loaded machine). Yours gets
# three times what the original took, plus a minute.
NATIVE_LIMIT=10
CALLGRIND_LIMIT=240

EX_DIR=${HOTPATH_EX_DIR:?HOTPATH_EX_DIR is not set: see exercises/README.md}
SRC_DIR=${HOTPATH_SRC_DIR:?HOTPATH_SRC_DIR is not set}
BUILD_DIR=${HOTPATH_BUILD_DIR:?HOTPATH_BUILD_DIR is not set}
WORK_DIR=${HOTPATH_WORK_DIR:?HOTPATH_WORK_DIR is not set}

# A problem with the course or the machine, not with the learner's work:
# exit non-zero, which fails the part with this message as the reason.
internal_error()
{
	echo "check: $*" >&2
	echo "check: $*"
	exit 1
}

# need_tool NAME: fail clearly when a tool the check runs is missing.
need_tool()
{
	command -v "$1" >/dev/null 2>&1 ||
		internal_error "$1 is not installed (make deps installs it)"
}

# need_program NAME: fail clearly unless this exercise's build made the
# program NAME, then leave its path in $program.
need_program()
{
	program="$BUILD_DIR/$1"
	[ -x "$program" ] ||
		internal_error "$program is missing: did the build fail?"
}

# JSON string contents: escape backslashes and quotes, turn line ends and
# tabs into spaces, and keep printable ASCII only, so that whatever bytes a
# program wrote to stderr, the line stays valid JSON (which must be UTF-8).
json_escape()
{
	printf '%s' "$1" | LC_ALL=C tr '\n\r\t' '   ' | LC_ALL=C tr -cd ' -~' |
		sed 's/\\/\\\\/g; s/"/\\"/g'
}

# report METRICS MESSAGE: the last line of output, the one the grader reads.
# METRICS is the inside of the JSON object: "speedup": 1.0, "x": 2
report()
{
	printf '{"metrics": {%s}, "message": "%s"}\n' "$1" "$(json_escape "$2")"
	exit 0
}

# make_inputs DIR: the course's inputs, in DIR: the files of inputs/ and
# three generated ones (large.txt, long-lines.txt, huge-word.txt).
make_inputs()
{
	need_program gentext
	_gentext=$program
	cp "$EX_DIR"/inputs/* "$1"/ || internal_error "cannot copy $EX_DIR/inputs"
	# shellcheck disable=SC2086 # the arguments are meant to split
	"$_gentext" $LARGE_ARGS > "$1/large.txt" &&
	"$_gentext" $LONG_LINES_ARGS > "$1/long-lines.txt" ||
		internal_error "gentext failed"
	_word="$1/word.tmp"
	dd if=/dev/zero bs=1024 count="$HUGE_WORD_KB" 2>/dev/null |
		tr '\000' 'W' > "$_word"
	{ cat "$_word"; echo; cat "$_word"; } > "$1/huge-word.txt"
	rm -f "$_word"
}

# run_limited LIMIT IN OUT ERR PROGRAM [ARGS...]: run with stdin from IN,
# stdout to OUT, stderr to ERR, for at most LIMIT seconds, writing at most
# about 20 MB, and set $status to its exit status (124: out of time). The
# inner sh waits for it, so a crash is reported here in $status, not by
# this shell as a "Segmentation fault" line of its own (dash writes that
# line into ERR instead; describe_failure leaves it out).
run_limited()
{
	_limit=$1 _in=$2 _out=$3 _err=$4
	shift 4
	sh -c 'ulimit -f 40000 2>/dev/null; err=$1; shift
		timeout -k 5 "$@" 2>"$err"' sh "$_err" "$_limit" "$@" \
		< "$_in" > "$_out" 2>/dev/null
	status=$?
}

# describe_failure NAME STATUS ERR LIMIT: why a run with exit status STATUS
# and a time limit of LIMIT seconds failed, in words, with the start of
# its stderr.
describe_failure()
{
	case $2 in
	124 | 137) _why="did not finish within $4 s (a loop that never ends?)" ;;
	153) _why="wrote far too much output and was stopped" ;;
	*)
		if [ "$2" -gt 128 ]; then
			_why="was killed by signal SIG$(kill -l $(($2 - 128)) 2>/dev/null) (a crash)"
		else
			_why="exited with status $2"
		fi ;;
	esac
	# the start of its stderr, without the line the shell adds itself
	_first=$(grep -Ev '^(Segmentation fault|Aborted|Killed|Bus error|Floating point exception|Illegal instruction|File size limit exceeded)( \(core dumped\))?$' "$3" |
		head -c 300 | head -n 3 | tr '\n' ' ')
	echo "$1 $_why${_first:+; its stderr: $_first}"
}

# callgrind_run OUTFILE LIMIT IN PROGRAM: run PROGRAM on IN under callgrind,
# profile to OUTFILE (valgrind's own messages to OUTFILE.valgrind, the
# program's stderr to OUTFILE.log); sets $status like run_limited.
callgrind_run()
{
	run_limited "$2" "$3" /dev/null "$1.log" \
		valgrind --tool=callgrind --callgrind-out-file="$1" \
		--log-file="$1.valgrind" "$4"
}

# callgrind_total FILE: the instructions (Ir) of the whole run.
callgrind_total()
{
	sed -n 's/^totals: *\([0-9][0-9]*\).*/\1/p; s/^summary: *\([0-9][0-9]*\).*/\1/p' "$1" |
		head -n 1
}

# callgrind_ranking FILE NAME: the functions of the program called NAME (not
# libc's), highest self cost first, one "name cost" per line, clones added
# to the function they came from.
callgrind_ranking()
{
	callgrind_annotate --threshold=100 "$1" 2>/dev/null |
		awk -v prog="$2" '
		/^ *[0-9,]+ \(/ && index($0, "/" prog "]") {
			cost = $1; gsub(",", "", cost)
			fn = $0
			sub(/ \[[^]]*\]$/, "", fn)
			sub(/^ *[0-9,]+ \([^)]*\) +/, "", fn)
			sub(/^.*:/, "", fn)
			sub(/\..*$/, "", fn)
			total[fn] += cost
		}
		END { for (fn in total) print fn, total[fn] }' |
		sort -k2,2nr -k1,1
}
