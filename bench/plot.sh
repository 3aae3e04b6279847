#!/bin/sh
# plot.sh - old against new as a bar chart: the median of each benchmark in
# two Go-format benchmark outputs, drawn by gnuplot as PNG and SVG.
#
#     bench/plot.sh [-u UNIT] [-o PREFIX] [-l auto|on|off] OLD.txt NEW.txt
#
# `make plot OLD=a.txt NEW=b.txt [UNIT=allocs/op]` calls it. The inputs are
# what `make bench BENCHFLAGS='-count 10' > old.txt` prints: lines
#
#     BenchmarkBuild/pieces=10/strbuf-2   20000   27.18 ns/op   0 B/op ...
#
# (name, iterations, then value-unit pairs), several per name. Everything
# else in the files (goos:, PASS, warnings) is skipped.
#
#   -u UNIT     which column to compare: ns/op (default), B/op, allocs/op,
#               MB/s, instructions/op, or any unit the files hold
#   -o PREFIX   write PREFIX.png and PREFIX.svg (default build/plots/compare)
#   -l MODE     logarithmic y axis: auto (default: when the values span more
#               than 100x, where small bars would be invisible), on, off
#
# WHY THE MEDIAN. Timings on a shared machine have outliers on one side
# (a run that was interrupted is slow, none is magically fast), and the
# median ignores them where the mean would not. This chart is for seeing;
# whether a difference is real is benchstat's job (`make benchstat`).
set -eu

usage() {
	echo "usage: $0 [-u UNIT] [-o PREFIX] [-l auto|on|off] OLD.txt NEW.txt" >&2
	exit 2
}

die() {
	echo "plot: $*" >&2
	exit 1
}

unit=ns/op
prefix=build/plots/compare
logscale=auto
while getopts u:o:l: opt; do
	case $opt in
	u) unit=$OPTARG ;;
	o) prefix=$OPTARG ;;
	l) logscale=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
old=$1
new=$2
case $logscale in auto | on | off) ;; *) usage ;; esac
[ -r "$old" ] || die "cannot read $old"
[ -r "$new" ] || die "cannot read $new"
command -v gnuplot >/dev/null 2>&1 ||
	die "gnuplot is not installed: sudo apt-get install gnuplot-nox (or: make deps)"

mkdir -p "$(dirname "$prefix")"
data=$prefix.tsv

# --------------------------------------------------------------------------
# The medians. One awk pass over both files writes the table gnuplot draws,
# name<TAB>old<TAB>new (NaN where a file lacks the benchmark), in the order
# the benchmarks first appear, and reports on stderr what it found.
# --------------------------------------------------------------------------
awk -v unit="$unit" -v oldname="$old" -v newname="$new" '
BEGIN { OFS = "\t" }
FNR == 1 { side++ }                       # 1: old file, 2: new file
/^Benchmark/ && NF >= 4 {
	name = $1
	sub(/^Benchmark/, "", name)
	if (!(name in seen)) { seen[name] = 1; order[++nnames] = name }
	for (i = 3; i < NF; i += 2) {
		units[$(i + 1)] = 1
		if ($(i + 1) == unit) {
			k = ++count[side, name]
			val[side, name, k] = $i + 0
		}
	}
}
# the median of val[s, name, 1..n], sorting a copy (insertion sort: a
# benchmark has tens of samples, not thousands)
function median(s, name,    n, i, j, t, a) {
	n = count[s, name]
	for (i = 1; i <= n; i++) {
		t = val[s, name, i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	# Names end in "-P", the thread count. When every name has the same
	# suffix it says nothing and only lengthens the labels: drop it.
	suffix = ""
	for (i = 1; i <= nnames; i++) {
		s = order[i]
		if (!match(s, /-[0-9]+$/)) { suffix = "none"; break }
		s = substr(s, RSTART)
		if (suffix == "") suffix = s
		else if (s != suffix) { suffix = "none"; break }
	}
	rows = 0; minruns = 1e9; maxruns = 0
	for (i = 1; i <= nnames; i++) {
		name = order[i]
		if (count[1, name] + count[2, name] == 0)
			continue
		label = name
		if (suffix != "none")
			label = substr(label, 1, length(label) - length(suffix))
		o = count[1, name] ? median(1, name) : "NaN"
		n = count[2, name] ? median(2, name) : "NaN"
		for (s = 1; s <= 2; s++) {
			c = count[s, name]
			if (c && c < minruns) minruns = c
			if (c > maxruns) maxruns = c
		}
		print label, o, n
		rows++
	}
	if (rows == 0) {
		list = ""
		for (u in units) list = list " " u
		printf "plot: no \"%s\" values in %s or %s; units there:%s\n",
			unit, oldname, newname, (list == "" ? " none" : list) > "/dev/stderr"
		exit 1
	}
	print (minruns == maxruns ? minruns : minruns "-" maxruns) > "/dev/stderr"
}' "$old" "$new" >"$data" 2>"$data.info" || {
	cat "$data.info" >&2
	rm -f "$data.info"
	exit 1
}
runs=$(cat "$data.info")
rm -f "$data.info"
rows=$(wc -l <"$data")
echo "plot: $rows benchmarks, the median of $runs runs each"

# The text version, for the terminal and for people who prefer numbers.
printf '%-50s %14s %14s %9s\n' "benchmark ($unit, median)" old new delta
awk -F '\t' '{
	d = ($2 != "NaN" && $3 != "NaN" && $2 != 0) ? sprintf("%+.1f%%", 100 * ($3 - $2) / $2) : "~"
	printf "%-50s %14s %14s %9s\n", $1, $2, $3, d
}' "$data"

# Log scale when the largest value is over 100x the smallest. A log axis
# cannot show 0 (allocs/op often is), so with zeros auto stays linear.
span=$(awk -F '\t' '
	{ for (i = 2; i <= 3; i++) if ($i != "NaN") {
		if ($i <= 0) zero = 1
		else { if (min == "" || $i < min) min = $i; if ($i > max) max = $i }
	} }
	END { if (zero) print "zero"; else if (min == "") print 1; else print max / min }' "$data")
uselog=no
case $logscale in
on) uselog=yes ;;
auto) [ "$span" != zero ] && awk -v s="$span" 'BEGIN { exit !(s > 100) }' && uselog=yes ;;
esac
if [ "$uselog" = yes ] && [ "$span" = zero ]; then
	echo "plot: warning: log scale cannot show the zero values; their bars are missing" >&2
fi

# --------------------------------------------------------------------------
# The chart. One gnuplot script, run once per output format. Clustered
# histogram: one group per benchmark, old and new side by side, and the
# change printed above each group. noenhanced: benchmark names hold '_'
# and '^', which gnuplot's enhanced text would turn into sub/superscripts.
# --------------------------------------------------------------------------
width=$((rows * 70 + 250))
[ "$width" -ge 800 ] || width=800
plot_script() { # $1: the set terminal line, $2: the output file
	cat <<EOF
$1
set output "$2"
set datafile separator "\t"
set datafile missing "NaN"
set title "old: $old   new: $new" noenhanced
set ylabel "$unit (median of $runs runs)" noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left noenhanced
set xtics rotate by 30 right noenhanced nomirror
set bmargin 10
set yrange [$([ "$uselog" = yes ] && echo "*" || echo 0):*]
set offsets 0, 0, graph 0.08, 0
$([ "$uselog" = yes ] && echo "set logscale y")
$([ "$uselog" = yes ] && echo 'set format y "10^{%L}"' || echo 'set format y "%g"')
change(o, n) = (o > 0 && n == n) ? sprintf("%+.0f%%", 100 * (n - o) / o) : ""
top(o, n) = (o == o && n == n) ? (o > n ? o : n) : (o == o ? o : n)
plot "$data" using 2:xtic(1) title "old" linecolor rgb "#8c8c8c", \
     "" using 3 title "new" linecolor rgb "#d95f02", \
     "" using 0:(top(\$2, \$3)):(change(\$2, \$3)) with labels offset 0,0.8 notitle
EOF
}

# pngcairo draws antialiased text; the plain png terminal (libgd) is the
# fallback when gnuplot was built without cairo.
if gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1; then
	png_term="set terminal pngcairo size $width,560 font 'sans,10'"
else
	png_term="set terminal png size $width,560"
fi
plot_script "$png_term" "$prefix.png" | gnuplot
plot_script "set terminal svg size $width,560 dynamic font 'sans,10'" \
	"$prefix.svg" | gnuplot

echo
echo "plot: wrote $prefix.png and $prefix.svg (open either; the SVG scales),"
echo "      and $data (the medians)$([ "$uselog" = yes ] && echo '; the y axis is logarithmic')"
