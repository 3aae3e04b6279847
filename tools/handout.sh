#!/bin/sh
# handout.sh [BUILDROOT] - the course as learners get it, without answers:
# `make handout` writes BUILDROOT/hotpath-handout.tar.gz (default build/)
# from the git-tracked files, leaving out solutions/ and
# tools/grade/mutants/ (mutants are near-solutions), then proves that no
# solution is inside:
#
#  1. no file of the handout is byte-for-byte a solution file;
#  2. no line of a solution that is not also in its skeleton (its own file
#     in phases/, and the .c and .h files of its exercise folder: the code a
#     learner starts from) appears
#     in the handout. Lines are compared whole, blanks around them trimmed.
#     Lines that give nothing away are left out: shorter than MIN_LINE
#     characters ("}", "return 0;"), decoration ("/* ---- Life cycle ---- */"),
#     preprocessor structure (#include, #if...#endif), a bare for-loop
#     header ("for (size_t i = 0; i < len; i++) {"), and course-wide
#     idioms, meaning lines found in two or more handout files outside the
#     solution's own exercise folder ("for (size_t i = 0; i < n; i++)").
#     Lines listed in tools/handout.allow (reviewed idioms) are left out
#     too. Anything else, in the skeleton, a README, a test or another
#     exercise, is a leak. (CS:APP makes handouts the same way: generated,
#     then checked.)
#
# Exits 0 with a one-line summary, or 1 listing every leak as file:line.
set -eu

BUILDROOT=${1:-build}
MIN_LINE=${HOTPATH_HANDOUT_MIN_LINE:-20}
out="$BUILDROOT/hotpath-handout.tar.gz"

cd "$(dirname "$0")/.."
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "handout: not a git checkout: the handout is made of git-tracked files" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$BUILDROOT" "$tmp/hotpath"

# The tracked files that exist, minus the answers. -z: names with spaces.
git ls-files -z | tr '\0' '\n' | grep -v -e '^solutions/' -e '^tools/grade/mutants/' |
	while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done >"$tmp/files"
tar -cf - -T "$tmp/files" | tar -xf - -C "$tmp/hotpath"
tar -czf "$out.tmp" -C "$tmp" hotpath
mv "$out.tmp" "$out"

# Every solution file there is, tracked or not: a leak of an uncommitted
# solution counts too.
find solutions -type f 2>/dev/null | sort >"$tmp/solutions"

problems=0
fail() {
	echo "handout: $*" >&2
	problems=$((problems + 1))
}

# 1. Whole files.
(cd "$tmp/hotpath" && find . -type f -exec sha256sum {} +) |
	sort >"$tmp/handout.sums"
while IFS= read -r s; do
	sum=$(sha256sum "$s" | cut -d' ' -f1)
	grep "^$sum " "$tmp/handout.sums" | while read -r _ f; do
		echo "handout: ${f#./} is a copy of $s"
	done >>"$tmp/whole"
done <"$tmp/solutions"
if [ -s "$tmp/whole" ]; then
	cat "$tmp/whole" >&2
	problems=$((problems + $(wc -l <"$tmp/whole")))
fi

# 2. Lines of a solution that its skeleton does not have. The handout is
# trimmed once into a mirror, so lines compare whole and literally.
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$@"; }
(cd "$tmp/hotpath" && find . -type f) | while IFS= read -r f; do
	mkdir -p "$tmp/trim/$(dirname "$f")"
	trim "$tmp/hotpath/$f" >"$tmp/trim/$f"
done
# Reviewed idioms that may appear anyway, one trimmed line each.
if [ -f tools/handout.allow ]; then
	grep -v -e '^#' -e '^$' tools/handout.allow | trim | sort -u >"$tmp/allow"
else
	: >"$tmp/allow"
fi
patterns_total=0
: >"$tmp/lines"
while IFS= read -r s; do
	rel=${s#solutions/}
	own="phases/$(dirname "$rel")/"   # the solution's exercise folder
	# The skeleton: the code the learner starts from, every .c and .h of
	# the exercise folder. Lines the solution keeps from given code
	# (4.4's before.c, 4.1's truth_bench.c, the tests) are no answer.
	{
		[ -f "phases/$rel" ] && trim "phases/$rel"
		find "$own" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) \
			-exec sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' {} + \
			2>/dev/null
	} | sort -u >"$tmp/skel"
	# Lines worth a look: long enough to say something, and not
	#  - decoration: "/* ---- Life cycle ---- */" (4+ of - = * #),
	#  - preprocessor structure: #include, #if, #ifdef, #ifndef, #elif,
	#    #else, #endif (which file includes what is no answer).
	trim "$s" | awk -v min="$MIN_LINE" 'length($0) >= min' |
		grep -v -E -e '(----|====|\*\*\*\*|####)' \
			-e '^#[[:space:]]*(include|if|ifdef|ifndef|elif|else|endif)\b' \
			-e '^for \([^;]*;[^;]*;[^;]*\) ?\{?$' |
		sort -u | comm -23 - "$tmp/skel" | comm -23 - "$tmp/allow" \
		>"$tmp/patterns"
	[ -s "$tmp/patterns" ] || continue
	patterns_total=$((patterns_total + $(wc -l <"$tmp/patterns")))
	# A line found in two or more files outside its own exercise folder
	# is a course-wide idiom ("for (size_t i = 0; i < n; i++)"), not this
	# answer; anywhere else, it is a leak.
	# (grep exits 1 when nothing matches: that is the good case)
	(cd "$tmp/trim" && { grep -r -n -I -x -F -f "$tmp/patterns" . || true; }) |
		sed 's|^\./||' |
		awk -v own="$own" -v sol="$s" '
		{
			file = $0; sub(/:.*/, "", file)
			rest = substr($0, length(file) + 2)
			line = rest; sub(/:.*/, "", line)
			text = substr(rest, length(line) + 2)
			hits[text] = hits[text] "\n  " file ":" line ": " text
			if (index(file, own) != 1 && !((text, file) in seen)) {
				seen[text, file] = 1
				outside[text]++
			}
		}
		END {
			out = ""
			for (t in hits)
				if (outside[t] < 2)
					out = out hits[t]
			if (out != "")
				printf "from %s:%s\n", sol, out
		}' >>"$tmp/lines"
done <"$tmp/solutions"
if [ -s "$tmp/lines" ]; then
	echo "handout: solution lines found in the handout:" >&2
	cat "$tmp/lines" >&2
	problems=$((problems + $(grep -c '^  ' "$tmp/lines")))
	echo "handout: a line that gives nothing away (an idiom) can be listed" \
		"in tools/handout.allow" >&2
fi

if [ "$problems" -gt 0 ]; then
	echo "handout: $out holds solution code ($problems findings): fix the files above" >&2
	exit 1
fi
echo "handout: $out: $(wc -l <"$tmp/files") files, $(du -k "$out" | cut -f1) KiB;" \
	"no solution file and none of $patterns_total solution-only lines inside"
