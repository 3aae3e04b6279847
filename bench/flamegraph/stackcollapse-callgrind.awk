# stackcollapse-callgrind.awk - callgrind output files to folded stacks
# weighted by instructions (see flame.h for the format).
#
#     awk -f stackcollapse-callgrind.awk callgrind.out.3 callgrind.out.5 |
#         flamegraph --countname instructions > fg.svg
#
# THE PROBLEM
#
# Callgrind does not record stacks. For each function it records its self
# cost and, per callee, one "call arc": how often it called that callee and
# the callee's inclusive cost on those calls:
#
#     fn=(1096) strbuf_add              <- the function being described
#     127 4000000                       <- line 127: 4,000,000 instructions
#     cfn=(1098) strbuf_grow            <- its callee...
#     calls=1000000 -53                 <- ...called 1,000,000 times,
#     * 18538000                        <- costing 18,538,000 in all
#
# A flame graph needs whole stacks, so we rebuild them from the arcs.
#
# HOW IT WORKS (and the approximation)
#
# Start at each function nobody calls (the root: _start, or the frame below
# it) with its inclusive cost. At a function f reached along some path with
# weight w, take the share s = w / inclusive(f): the path gets s * self(f)
# as its own samples, and each callee c is visited with s * arc(f -> c).
# This assumes every call of f costs the same whatever called it. It is
# exact when each function has one caller, as in most benchmark loops; when
# a helper is called from two places with different inputs (say strlen on
# short and long strings) both callers get the average, and the flame graph
# shows the average too. callgrind_annotate's numbers are always exact:
# believe them over the picture when they differ.
#
# Recursion: callgrind names the levels of a recursive function f, f'2,
# f'3 ... up to --separate-recs (profile.sh passes 10), so they are distinct
# functions here and the graph stays a tree. Deeper levels fold into the
# last one, which makes a cycle; a callee already on the path is therefore
# not entered again, and its cost stays in the caller. The "'2" suffix is
# dropped from the names shown.
#
# Arcs worth less than min_share of the file's total (default 1e-5, a
# hundredth of a pixel at 1200 px) are not followed; their cost also stays
# in the caller, so every path keeps its full width.
#
# Each input file is folded on its own. When the file was written by the
# benchmark harness (a callgrind dump requested by "BenchmarkX n=1000"),
# its stacks get the benchmark's name as the root frame, so one graph can
# show several benchmarks side by side, each as wide as its instructions.
#
# Portable awk (mawk, gawk, busybox): no gawk extensions; arrays are
# cleared with split("", a) and the callee lists are strings.

BEGIN {
	if (min_share == "")
		min_share = 1e-5
	max_depth = 512
	SEP = "\034"
	reset()
}

function reset() {
	split("", name); split("", self); split("", edge); split("", kids)
	split("", called); split("", fns); split("", incl); split("", out)
	split("", onpath)
	label = ""
	npos = 1
	cur = ""
	callee = ""
	in_call = 0
}

# "(12) name" defines the alias 12, "(12)" uses it, "name" is plain.
# Functions are told apart by alias when callgrind compresses names (its
# default), which keeps libc's realloc and a wrapper called realloc apart.
function fn_key(spec,    key) {
	if (match(spec, /^\([0-9]+\)/)) {
		key = substr(spec, 1, RLENGTH)
		if (length(spec) > RLENGTH + 1)
			name[key] = substr(spec, RLENGTH + 2)
	} else {
		key = spec
		name[key] = spec
	}
	fns[key] = 1
	return key
}

function display(f,    s) {
	s = (f in name) ? name[f] : f
	sub(/'[0-9]+$/, "", s)
	gsub(/;/, ":", s)
	return s
}

function expand(f, path, w, depth,    share, s, rest, i, k, ew) {
	share = w / incl[f]
	s = self[f] * share
	onpath[f] = 1
	for (rest = kids[f]; rest != ""; rest = substr(rest, i + 1)) {
		i = index(rest, SEP)
		k = substr(rest, 1, i - 1)
		ew = edge[f, k] * share
		if (ew < min_cost || (k in onpath) || depth >= max_depth || incl[k] <= 0)
			s += ew
		else
			expand(k, path ";" display(k), ew, depth + 1)
	}
	delete onpath[f]
	if (s > 0)
		out[path] += s
}

function fold_file(    f, total, root, p, c) {
	total = 0
	for (f in fns) {
		incl[f] += self[f]
		total += self[f]
	}
	if (total <= 0)
		return
	min_cost = total * min_share
	for (f in fns) {
		if ((f in called) || incl[f] <= 0)
			continue
		root = label == "" ? display(f) : label ";" display(f)
		expand(f, root, incl[f], 1)
	}
	for (p in out) {
		c = int(out[p] + 0.5)
		if (c > 0)
			print p, c
	}
}

FNR == 1 && NR > 1 { fold_file(); reset() }

/^positions:/ { npos = NF - 1; next }

/^desc: Trigger: Client Request: / {
	label = $0
	sub(/^desc: Trigger: Client Request: /, "", label)
	sub(/ n=[0-9]+$/, "", label)
	gsub(/;/, ":", label)
	next
}

/^fn=/ { cur = fn_key(substr($0, 4)); in_call = 0; next }
/^cfn=/ { callee = fn_key(substr($0, 5)); next }
/^calls=/ { in_call = 1; next }

# A cost line: the positions (line, or address and line: absolute, +/-
# relative, or * for "same"), then the events; Ir comes first.
/^[0-9+*-]/ {
	cost = (NF > npos) ? $(npos + 1) + 0 : 0
	if (in_call) {
		# calls=0 arcs are real: callgrind writes them for the frames
		# that were already on the stack when collection was switched
		# on, which is how the harness runs it.
		if (!((cur, callee) in edge))
			kids[cur] = kids[cur] callee SEP
		edge[cur, callee] += cost
		incl[cur] += cost
		called[callee] = 1
		in_call = 0
	} else {
		self[cur] += cost
	}
	next
}

END { fold_file() }
