/*
 * flame_test.c - the contract of flame.h, checked: merging, counting bad
 * lines, widths proportional to counts, escaping, and an SVG that XML
 * parsers accept (our own tag-balance check always; xmllint when the
 * libxml2-utils package is installed).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flame.h"

/* ---- Helpers ------------------------------------------------------------ */

static void assert_sane_flame(const struct flame *fg)
{
	cr_assert(flame_check(fg), "flame_check: an invariant of flame.h is "
		  "broken (totals, unique names or non-empty names)");
}

static enum flame_line add(struct flame *fg, const char *line)
{
	enum flame_line r = flame_add_line(fg, line, strlen(line));
	assert_sane_flame(fg);
	return r;
}

/* A graph of the given lines, checked after each one. */
static void build(struct flame *fg, const char *const *lines, size_t n)
{
	cr_assert_eq(flame_init(fg), 0, "flame_init failed");
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(add(fg, lines[i]), FLAME_ADDED,
			     "line \"%s\" should be added", lines[i]);
}

static const struct flame_node *child(const struct flame_node *node,
				      const char *name)
{
	for (size_t i = 0; i < node->nchildren; i++)
		if (strcmp(node->children[i].name, name) == 0)
			return &node->children[i];
	cr_assert_fail("no child \"%s\" under \"%s\"", name, node->name);
	return NULL;
}

/* The SVG as a string the caller frees. */
static char *render(const struct flame *fg,
		    const struct flame_svg_options *opt)
{
	char *svg = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&svg, &len);

	cr_assert_not_null(out, "open_memstream: %s", strerror(errno));
	cr_assert_eq(flame_svg_write(fg, opt, out), 0,
		     "flame_svg_write failed: %s", strerror(errno));
	fclose(out);
	return svg;
}

static char *render_lines(const char *const *lines, size_t n,
			  const struct flame_svg_options *opt)
{
	struct flame fg;
	build(&fg, lines, n);
	char *svg = render(&fg, opt);
	flame_release(&fg);
	return svg;
}

/* The numeric attribute attr of the <rect> of the frame whose title
 * starts with "name (", or NAN when there is no such frame. */
static double frame_attr(const char *svg, const char *name, const char *attr)
{
	char key[256], akey[32];
	snprintf(key, sizeof key, "<title>%s (", name);
	snprintf(akey, sizeof akey, " %s=\"", attr);
	const char *p = strstr(svg, key);
	if (p == NULL)
		return NAN;
	p = strstr(strstr(p, "<rect"), akey);
	return strtod(p + strlen(akey), NULL);
}

/* The label text of that frame. */
static void frame_label(const char *svg, const char *name, char *buf,
			size_t size)
{
	char key[256];
	snprintf(key, sizeof key, "<title>%s (", name);
	const char *p = strstr(svg, key);
	cr_assert_not_null(p, "no frame titled \"%s\"", name);
	p = strchr(strstr(p, "<text"), '>') + 1;
	size_t len = (size_t)(strstr(p, "</text>") - p);
	cr_assert_lt(len, size, "label too long for the test's buffer");
	memcpy(buf, p, len);
	buf[len] = '\0';
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/*
 * A small XML well-formedness check, enough to catch what a renderer gets
 * wrong: tags that do not nest, unquoted or unterminated attributes, a raw
 * '<' or a bare '&' in text, more than one root element. Returns NULL when
 * the document is fine, else what is wrong.
 */
static const char *xml_problem(const char *doc)
{
	static char msg[128];
	char stack[64][32];
	int depth = 0, roots = 0;
	const char *p = doc;

	while (*p) {
		if (*p == '&') {
			static const char *const ents[] = {"&lt;", "&gt;", "&amp;",
							   "&quot;", "&apos;"};
			size_t k;
			for (k = 0; k < 5; k++)
				if (strncmp(p, ents[k], strlen(ents[k])) == 0)
					break;
			if (k == 5)
				return "a bare '&' in text";
			p++;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		const char *skip = NULL;
		if (strncmp(p, "<?", 2) == 0)
			skip = "?>";
		else if (strncmp(p, "<!--", 4) == 0)
			skip = "-->";
		else if (strncmp(p, "<![CDATA[", 9) == 0)
			skip = "]]>";
		if (skip) {
			const char *end = strstr(p, skip);
			if (end == NULL)
				return "an unterminated <? <!-- or CDATA";
			p = end + strlen(skip);
			continue;
		}
		bool closing = p[1] == '/';
		const char *name = p + 1 + closing;
		size_t nlen = 0;
		while (isalnum((unsigned char)name[nlen]) || name[nlen] == ':')
			nlen++;
		if (nlen == 0 || nlen >= sizeof stack[0])
			return "a '<' that starts no tag";
		/* the attributes: name="value" pairs up to '>' or "/>" */
		const char *q = name + nlen;
		for (;;) {
			while (isspace((unsigned char)*q))
				q++;
			if (*q == '>' || (q[0] == '/' && q[1] == '>'))
				break;
			if (closing || !isalpha((unsigned char)*q))
				return "garbage inside a tag";
			while (isalnum((unsigned char)*q) || *q == '-' || *q == ':')
				q++;
			if (q[0] != '=' || (q[1] != '"' && q[1] != '\''))
				return "an attribute without a quoted value";
			const char *end = strchr(q + 2, q[1]);
			if (end == NULL)
				return "an unterminated attribute value";
			if (memchr(q + 2, '<', (size_t)(end - q - 2)))
				return "a '<' inside an attribute value";
			q = end + 1;
		}
		bool empty = *q == '/';
		p = q + (empty ? 2 : 1);
		if (closing) {
			if (depth == 0 || strlen(stack[depth - 1]) != nlen ||
			    strncmp(stack[depth - 1], name, nlen) != 0) {
				snprintf(msg, sizeof msg, "</%.*s> closes nothing "
					 "open", (int)nlen, name);
				return msg;
			}
			depth--;
		} else {
			if (depth == 0 && ++roots > 1)
				return "more than one root element";
			if (!empty) {
				if (depth == 64)
					return "nested too deep for the checker";
				memcpy(stack[depth], name, nlen);
				stack[depth++][nlen] = '\0';
			}
		}
	}
	if (depth != 0) {
		snprintf(msg, sizeof msg, "<%s> is never closed",
			 stack[depth - 1]);
		return msg;
	}
	return roots == 1 ? NULL : "no root element";
}

static void assert_well_formed(const char *svg)
{
	const char *problem = xml_problem(svg);
	cr_assert_null(problem, "the SVG is not well-formed XML: %s", problem);
}

/* xmllint's exit status on svg, or -1 when xmllint is not installed. */
static int xmllint_status(const char *svg)
{
	char path[] = "/tmp/flame_test_XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
	FILE *f = fdopen(fd, "w");
	fputs(svg, f);
	fclose(f);

	char cmd[256];
	snprintf(cmd, sizeof cmd, "command -v xmllint >/dev/null || exit 99; "
		 "xmllint --noout %s", path);
	int st = system(cmd);
	unlink(path);
	cr_assert(WIFEXITED(st), "could not run the shell for xmllint");
	return WEXITSTATUS(st) == 99 ? -1 : WEXITSTATUS(st);
}

static const struct flame_svg_options defaults = FLAME_SVG_OPTIONS_INIT;

/* ---- The tree ----------------------------------------------------------- */

Test(flame, identical_stacks_merge_into_one_path)
{
	static const char *const lines[] = {"main;parse;strlen 2",
					    "main;parse;strlen 3"};
	struct flame fg;
	build(&fg, lines, 2);

	cr_assert_eq(fg.root.nchildren, 1, "one distinct stack, one branch");
	const struct flame_node *m = child(&fg.root, "main");
	cr_assert_eq(m->nchildren, 1);
	const struct flame_node *leaf = child(child(m, "parse"), "strlen");
	cr_assert_float_eq(leaf->self, 5, 1e-9, "2 + 3 samples, saw %g",
			   leaf->self);
	cr_assert_float_eq(fg.root.total, 5, 1e-9);
	cr_assert_float_eq(m->self, 0, 1e-9, "main was never a leaf");
	flame_release(&fg);
}

Test(flame, different_stacks_branch_and_keep_self_counts)
{
	static const char *const lines[] = {"main;a 1", "main;b 2", "main 4",
					    "other 8"};
	struct flame fg;
	build(&fg, lines, 4);

	const struct flame_node *m = child(&fg.root, "main");
	cr_assert_eq(m->nchildren, 2);
	cr_assert_float_eq(m->self, 4, 1e-9);
	cr_assert_float_eq(m->total, 7, 1e-9, "1 + 2 + 4, saw %g", m->total);
	cr_assert_float_eq(child(&fg.root, "other")->total, 8, 1e-9);
	cr_assert_float_eq(fg.root.total, 15, 1e-9);
	flame_release(&fg);
}

Test(flame, names_may_hold_spaces_and_counts_fractions)
{
	static const char *const lines[] = {
		"(below main);operator new(unsigned long) 1.5",
		"(below main);operator new(unsigned long) 2.25"};
	struct flame fg;
	build(&fg, lines, 2);

	const struct flame_node *n =
		child(child(&fg.root, "(below main)"), "operator new(unsigned long)");
	cr_assert_float_eq(n->self, 3.75, 1e-12);
	flame_release(&fg);
}

Test(flame, line_ends_and_length_are_respected)
{
	struct flame fg;
	cr_assert_eq(flame_init(&fg), 0);

	cr_assert_eq(add(&fg, "a;b 1\r\n"), FLAME_ADDED);
	/* only the first 5 bytes are the line: "a;b 7" */
	const char buf[] = "a;b 7 trailing junk";
	cr_assert_eq(flame_add_line(&fg, buf, 5), FLAME_ADDED);
	assert_sane_flame(&fg);
	cr_assert_float_eq(child(child(&fg.root, "a"), "b")->self, 8, 1e-9,
			   "the \\r\\n and the bytes past len are not part of "
			   "the count");
	flame_release(&fg);
}

Test(flame, malformed_lines_are_counted_and_change_nothing)
{
	static const char *const bad[] = {
		"no_count_here",   "a;b x",   "a;b -1", "a;b 1e3", "a;b 0x10",
		"a;b inf",         "a;b 1.",  "a;b .5", ";a 1",    "a;;b 1",
		"a; 1",            "42",      "a;b 1,5",
	};
	const size_t nbad = sizeof bad / sizeof bad[0];
	struct flame fg;
	cr_assert_eq(flame_init(&fg), 0);
	cr_assert_eq(add(&fg, "good 1"), FLAME_ADDED);

	for (size_t i = 0; i < nbad; i++)
		cr_assert_eq(add(&fg, bad[i]), FLAME_MALFORMED,
			     "\"%s\" should be malformed", bad[i]);
	/* a NUL byte inside the line would cut a name short */
	cr_assert_eq(flame_add_line(&fg, "a\0b 1", 5), FLAME_MALFORMED);

	cr_assert_eq(fg.malformed, nbad + 1);
	cr_assert_eq(fg.first_malformed, 2, "line 1 was good, saw %zu",
		     fg.first_malformed);
	cr_assert_eq(fg.root.nchildren, 1, "bad lines must add no frames");
	cr_assert_float_eq(fg.root.total, 1, 1e-9);
	flame_release(&fg);
}

Test(flame, blank_lines_are_counted_apart)
{
	struct flame fg;
	cr_assert_eq(flame_init(&fg), 0);
	cr_assert_eq(add(&fg, ""), FLAME_BLANK);
	cr_assert_eq(add(&fg, "  \t\n"), FLAME_BLANK);
	cr_assert_eq(add(&fg, "\r\n"), FLAME_BLANK);
	cr_assert_eq(fg.blank, 3);
	cr_assert_eq(fg.malformed, 0);
	cr_assert_eq(fg.root.nchildren, 0);
	flame_release(&fg);
}

Test(flame, read_takes_every_line_of_a_file)
{
	static const char text[] = "main;a 1\n\nmain;a 2\nbroken\nmain;b 4";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	struct flame fg;
	cr_assert_eq(flame_init(&fg), 0);

	cr_assert_eq(flame_read(&fg, f), 0);
	assert_sane_flame(&fg);
	cr_assert_eq(fg.lines, 5, "the last line has no newline, saw %zu",
		     fg.lines);
	cr_assert_eq(fg.blank, 1);
	cr_assert_eq(fg.malformed, 1);
	cr_assert_float_eq(child(&fg.root, "main")->total, 7, 1e-9);
	fclose(f);
	flame_release(&fg);
}

/* ---- The SVG ------------------------------------------------------------ */

Test(svg, widths_are_proportional_to_counts)
{
	static const char *const lines[] = {"main;a 1", "main;b 3"};
	char *svg = render_lines(lines, 2, &defaults);

	double all = frame_attr(svg, "all", "width");
	double a = frame_attr(svg, "a", "width");
	double b = frame_attr(svg, "b", "width");
	cr_assert_float_eq(all, 1200 - 20, 0.01, "the root spans the width "
			   "less the margins, saw %g", all);
	cr_assert_float_eq(frame_attr(svg, "main", "width"), all, 0.01);
	cr_assert_float_eq(a, all / 4, 0.01, "a has 1 of 4 samples: %g", a);
	cr_assert_float_eq(b / a, 3, 0.001, "b has 3x a's samples, saw %g / %g",
			   b, a);
	free(svg);
}

Test(svg, children_stand_on_their_parent_in_name_order)
{
	static const char *const lines[] = {"main;b 3", "main;a 1"};
	char *svg = render_lines(lines, 2, &defaults);

	double main_x = frame_attr(svg, "main", "x");
	double main_y = frame_attr(svg, "main", "y");
	cr_assert_float_eq(frame_attr(svg, "all", "y") - main_y, 16, 1e-9,
			   "main sits one frame above the root");
	cr_assert_float_eq(frame_attr(svg, "a", "y"), main_y - 16, 1e-9);
	cr_assert_float_eq(frame_attr(svg, "a", "x"), main_x, 0.01,
			   "a sorts first, so it starts at main's left edge");
	cr_assert_float_eq(frame_attr(svg, "b", "x"),
			   main_x + frame_attr(svg, "a", "width"), 0.02,
			   "b starts where a ends");
	free(svg);
}

Test(svg, every_frame_has_a_title_with_count_and_share)
{
	static const char *const lines[] = {"main;a 1", "main;b 3"};
	struct flame_svg_options opt = defaults;
	opt.countname = "instructions";
	char *svg = render_lines(lines, 2, &opt);

	cr_assert_eq(count_of(svg, "<g class=\"f\">"), 4,
		     "all, main, a and b each get a frame");
	cr_assert_eq(count_of(svg, "<title>"), 4, "and each a title");
	cr_assert_not_null(strstr(svg, "<title>b (3 instructions, 75.00%)"
				  "</title>"), "b's hover text");
	cr_assert_not_null(strstr(svg, "<title>all (4 instructions, "
				  "100.00%)</title>"));
	free(svg);
}

Test(svg, big_counts_get_thousands_separators)
{
	static const char *const lines[] = {"main 1234567"};
	char *svg = render_lines(lines, 1, &defaults);
	cr_assert_not_null(strstr(svg, "<title>main (1,234,567 samples"));
	free(svg);
}

Test(svg, names_are_escaped)
{
	static const char *const lines[] = {
		"main;std::vector<int>::at(\"&'\") 1"};
	char *svg = render_lines(lines, 1, &defaults);

	cr_assert_not_null(strstr(svg, "std::vector&lt;int&gt;::at(&quot;"
				  "&amp;&apos;&quot;)"),
			   "every special character escaped");
	cr_assert_null(strstr(svg, "vector<int>"), "no raw '<' from a name");
	assert_well_formed(svg);
	free(svg);
}

Test(svg, invalid_utf8_and_control_bytes_become_question_marks)
{
	static const char *const lines[] = {"caf\xc3\xa9;bad\xff\x01name 1",
					    "surrogate\xed\xa0\x80 1"};
	char *svg = render_lines(lines, 2, &defaults);

	cr_assert_not_null(strstr(svg, "caf\xc3\xa9 ("), "valid UTF-8 is kept");
	cr_assert_not_null(strstr(svg, "bad??name ("));
	cr_assert_not_null(strstr(svg, "surrogate??? ("),
			   "an encoded surrogate is three bad bytes");
	if (xmllint_status(svg) >= 0)
		cr_assert_eq(xmllint_status(svg), 0, "xmllint rejects the SVG");
	free(svg);
}

Test(svg, frames_narrower_than_minwidth_are_left_out)
{
	/* tiny is 1180 / 100001 = 0.012 px wide */
	static const char *const lines[] = {"big 100000", "tiny;above_tiny 1"};
	struct flame fg;
	build(&fg, lines, 2);

	char *svg = render(&fg, &defaults);
	cr_assert_null(strstr(svg, "<title>tiny ("), "0.012 px < 0.1 px");
	cr_assert_null(strstr(svg, "<title>above_tiny ("),
		       "a frame above a dropped one goes too");
	assert_well_formed(svg);
	free(svg);

	struct flame_svg_options opt = defaults;
	opt.minwidth = 0;
	svg = render(&fg, &opt);
	cr_assert_not_null(strstr(svg, "<title>tiny ("), "minwidth 0 keeps it");
	cr_assert_not_null(strstr(svg, "<title>above_tiny ("));
	free(svg);
	flame_release(&fg);
}

Test(svg, labels_are_cut_to_fit_their_frame)
{
	char long_name[201];
	memset(long_name, 'x', 200);
	long_name[200] = '\0';
	char line[256], label[256];
	snprintf(line, sizeof line, "%s 1", long_name);
	const char *lines[] = {"short 3", line};
	struct flame_svg_options opt = defaults;
	opt.width = 420; /* 400 px of frames: 100 for the long name */
	char *svg = render_lines(lines, 2, &opt);

	frame_label(svg, long_name, label, sizeof label);
	size_t fit = (size_t)floor((100 - 6) / 7.2);
	cr_assert_eq(strlen(label), fit, "a label of %zu chars fits, saw %zu "
		     "(\"%s\")", fit, strlen(label), label);
	cr_assert_str_eq(label + fit - 2, "..", "a cut label ends in \"..\"");
	frame_label(svg, "short", label, sizeof label);
	cr_assert_str_eq(label, "short", "a short name is shown whole");
	free(svg);
}

Test(svg, is_self_contained_with_inline_script)
{
	static const char *const lines[] = {"main;a 1"};
	char *svg = render_lines(lines, 1, &defaults);

	cr_assert_not_null(strstr(svg, "<script type=\"text/ecmascript\">"
				  "<![CDATA["), "the script is inline");
	cr_assert_eq(count_of(svg, "]]>"), 1, "the script must not end its "
		     "CDATA section early");
	cr_assert_null(strstr(svg, "href"), "no links to other files");
	cr_assert_null(strstr(svg, "@import"), "no external fonts or styles");
	cr_assert_eq(count_of(svg, "http"), 1, "only the SVG namespace URI");
	free(svg);
}

Test(svg, output_is_well_formed_xml)
{
	static const char *const lines[] = {
		"main;parse;strlen 3", "main;parse 1", "main;<lambda>&co 2",
		"other;\"quoted\" 5"};
	char *svg = render_lines(lines, 4, &defaults);

	assert_well_formed(svg);
	int st = xmllint_status(svg);
	if (st < 0)
		cr_log_warn("xmllint not found (apt-get install libxml2-utils): "
			    "checked with the test's own parser only");
	else
		cr_assert_eq(st, 0, "xmllint --noout rejects the SVG");
	free(svg);
}

Test(svg, empty_graph_is_still_a_valid_picture)
{
	struct flame fg;
	cr_assert_eq(flame_init(&fg), 0);
	char *svg = render(&fg, &defaults);
	assert_well_formed(svg);
	cr_assert_eq(count_of(svg, "<g class=\"f\">"), 0, "no frames to draw");
	free(svg);
	flame_release(&fg);
}

Test(svg, bad_options_are_refused)
{
	struct flame fg;
	cr_assert_eq(flame_init(&fg), 0);
	struct flame_svg_options opt = defaults;
	opt.width = 50;
	errno = 0;
	cr_assert_eq(flame_svg_write(&fg, &opt, stdout), -1);
	cr_assert_eq(errno, EINVAL);
	opt = defaults;
	opt.countname = "ticks (1ms)";
	cr_assert_eq(flame_svg_write(&fg, &opt, stdout), -1,
		     "parentheses in countname would break the script");
	opt = defaults;
	opt.minwidth = -1;
	cr_assert_eq(flame_svg_write(&fg, &opt, stdout), -1);
	flame_release(&fg);
}

/* The checker above must itself be able to fail, or the XML tests prove
 * nothing. */
Test(xml_checker, rejects_what_is_not_xml)
{
	cr_assert_not_null(xml_problem("<a><b></a></b>"), "misnested");
	cr_assert_not_null(xml_problem("<a>x & y</a>"), "bare ampersand");
	cr_assert_not_null(xml_problem("<a x=1/>"), "unquoted attribute");
	cr_assert_not_null(xml_problem("<a><b></b>"), "unclosed");
	cr_assert_not_null(xml_problem("<a/><b/>"), "two roots");
	cr_assert_not_null(xml_problem("<a>1 < 2</a>"), "raw '<' in text");
	cr_assert_null(xml_problem("<?xml version=\"1.0\"?><a x=\"1\"><b/>"
				   "<![CDATA[ 1 < 2 && ]]>&lt;</a>"),
		       "and accepts what is");
}
