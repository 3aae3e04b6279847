# stackcollapse-perf.awk - `perf script` output to folded stacks, one
# "comm;root;...;leaf COUNT" line per distinct stack (see flame.h).
#
#     perf script -i perf.data | awk -f stackcollapse-perf.awk | flamegraph > fg.svg
#
# HOW IT WORKS
#
# perf script prints each sample as a header line (command, pid, time,
# period, event) and then one line per frame, leaf first, indented:
#
#     bench  6119   580.940057:     250000 cpu-clock:
#             55d0c1a2ea0 strbuf_add+0x20 (/work/main/build/.../bench)
#             55d0c1a2ad0 build_strbuf+0x41 (/work/main/build/.../bench)
#
# and a blank line. We keep the symbol without its "+0x20" offset (so all
# samples in one function merge), reverse the frames to root first, put
# the command name at the root, and count one per sample: with
# `-e cpu-clock` every sample stands for the same slice of time.
#
# NAMING
#
#  - A frame perf could not name becomes the file it was in, "[libc.so.6]",
#    or "[unknown]" when even that is not known: usually a library built
#    without frame pointers broke the stack walk just below it.
#  - Kernel frames get "_[k]" appended (flamegraph.pl's convention), so
#    "exc_page_fault_[k]" reads as time the kernel spent for the program.
#  - ';' in a name (never in C, rare in C++) becomes ':', as ';' separates
#    frames in the output.
#
# Portable awk (mawk, gawk, busybox): no gawk extensions.

function flush() {
	if (in_sample)
		counts[stack == "" ? comm : comm ";" stack]++
	in_sample = 0
	stack = ""
}

function basename(path) {
	sub(/.*\//, "", path)
	return path
}

# A sample header: everything before the pid is the command name, which
# may itself hold spaces ("Web Content").
/^[^ \t]/ {
	flush()
	comm = $0
	if (!sub(/[ \t]+[0-9]+(\/[0-9]+)?[ \t]+(\[[0-9]+\][ \t]+)?[0-9]+\.[0-9]+:.*$/, "", comm))
		comm = $1
	gsub(/;/, ":", comm)
	in_sample = 1
	next
}

/^[ \t]*$/ { flush(); next }

# A frame: "ADDRESS SYMBOL+OFFSET (DSO)"; perf may leave out any but the
# address.
{
	line = $0
	sub(/^[ \t]+/, "", line)
	sp = index(line, " ")
	rest = sp ? substr(line, sp + 1) : ""
	dso = ""
	if (match(rest, /[ ]?\([^()]*\)$/)) {
		dso = substr(rest, RSTART, RLENGTH)
		sub(/^[ ]?\(/, "", dso)
		sub(/\)$/, "", dso)
		rest = substr(rest, 1, RSTART - 1)
	}
	sym = rest
	sub(/\+0x[0-9a-fA-F]+$/, "", sym)
	if (sym == "" || sym == "[unknown]")
		sym = (dso == "" || dso == "[unknown]") ? "[unknown]" : "[" basename(dso) "]"
	else if (dso ~ /^\[kernel\./ || dso ~ /\.ko$/)
		sym = sym "_[k]"
	gsub(/;/, ":", sym)
	stack = stack == "" ? sym : sym ";" stack
}

END {
	flush()
	for (s in counts)
		print s, counts[s]
}
