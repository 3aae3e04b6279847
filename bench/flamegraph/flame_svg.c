/*
 * flame_svg.c - draw a struct flame as one self-contained SVG: frames,
 * hover titles, and the inline script for zoom and search. The layout
 * rules are in flame.h (flame_svg_write).
 */
#include "flame.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Height of one frame, in pixels (the rectangle is one less: a gap). */
#ifndef FLAME_FRAME_HEIGHT
#define FLAME_FRAME_HEIGHT 16
#endif

/* Font size of frame labels, in pixels. */
#ifndef FLAME_FONT_SIZE
#define FLAME_FONT_SIZE 12
#endif

/* Width of one character as a fraction of the font size. Labels are set
 * in the reader's monospace font, where a character is 0.6 em wide
 * (DejaVu Sans Mono: 0.602), so this is what lets us cut a label to fit
 * its frame without measuring text, which an SVG file cannot do. */
#ifndef FLAME_CHAR_WIDTH
#define FLAME_CHAR_WIDTH 0.6
#endif

/* Margins: left and right, above the frames (title, subtitle, buttons),
 * below them (the details line). */
#define XPAD 10
#define YPAD_TOP (FLAME_FONT_SIZE * 5)
#define YPAD_BOTTOM (FLAME_FONT_SIZE * 2 + 10)

/* ---- Text -------------------------------------------------------------- */

/*
 * Length of the valid UTF-8 sequence at s, or 0 if s starts with a byte
 * that is not one. XML parsers reject a document with invalid UTF-8 or
 * with control characters, so both become '?'. Overlong forms, surrogates,
 * code points past U+10FFFF and U+FFFE/U+FFFF (not XML characters) are
 * invalid too.
 */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return (s[0] >= 0x20 || s[0] == '\t') ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		if (s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
			return 0; /* U+FFFE, U+FFFF */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (s[0] == 0xf4 && s[1] >= 0x90)
			return 0; /* past U+10FFFF */
		return 4;
	}
	return 0;
}

/* Characters in s, counting each invalid byte as one (it prints as '?'). */
static size_t text_chars(const char *s)
{
	size_t n = 0;

	while (*s) {
		size_t len = utf8_len((const unsigned char *)s);
		s += len ? len : 1;
		n++;
	}
	return n;
}

/* Write at most max_chars characters of s, escaped for XML text and
 * attribute values alike. (The checks in utf8_len stop at the NUL, since a
 * NUL is never a continuation byte.) */
static void put_escaped(FILE *out, const char *s, size_t max_chars)
{
	for (size_t n = 0; *s && n < max_chars; n++) {
		size_t len = utf8_len((const unsigned char *)s);
		if (len == 0) {
			fputc('?', out);
			s++;
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default: fwrite(s, 1, len, out); break;
		}
		s += len;
	}
}

/* "1,234,567" for whole numbers, "2.50" otherwise. */
static void format_count(double v, char *buf, size_t size)
{
	char digits[32];

	if (v != floor(v) || v >= 1e18) {
		snprintf(buf, size, "%.2f", v);
		return;
	}
	int len = snprintf(digits, sizeof digits, "%.0f", v);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* ---- Colour ------------------------------------------------------------ */

/*
 * Warm colours from a hash of the name (FNV-1a), as flamegraph.pl's "hot"
 * palette: red 205-255, green 0-230, blue 0-55. Hashing, not random, so a
 * function has the same colour in every graph and in both of two graphs
 * you compare; the colour itself means nothing.
 */
static void frame_colour(const char *name, int rgb[3])
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	rgb[0] = 205 + (int)(50 * ((h >> 16) & 0xff) / 255);
	rgb[1] = (int)(230 * (h & 0xff) / 255);
	rgb[2] = (int)(55 * ((h >> 8) & 0xff) / 255);
}

/* ---- Layout ------------------------------------------------------------ */

struct layout {
	FILE *out;
	const struct flame_svg_options *opt;
	double scale;     /* pixels per count */
	double all;       /* the root's total: 100% */
	int height;       /* of the image */
};

static bool visible(const struct layout *lay, const struct flame_node *node)
{
	return node->total > 0 && node->total * lay->scale >= lay->opt->minwidth;
}

/* The deepest visible depth below node (node itself at depth). */
static int max_depth(const struct layout *lay, const struct flame_node *node,
		     int depth)
{
	int deepest = depth;

	for (size_t i = 0; i < node->nchildren; i++) {
		if (visible(lay, &node->children[i])) {
			int d = max_depth(lay, &node->children[i], depth + 1);
			if (d > deepest)
				deepest = d;
		}
	}
	return deepest;
}

static int by_name(const void *a, const void *b)
{
	const struct flame_node *x = *(const struct flame_node *const *)a;
	const struct flame_node *y = *(const struct flame_node *const *)b;
	return strcmp(x->name, y->name);
}

/*
 * The label that fits a frame w pixels wide: the whole name, or its start
 * and "..", or nothing when not even three characters fit. The script's
 * label() does the same after a zoom; keep the two in step.
 */
static void put_label(FILE *out, const char *name, double w)
{
	double fit = floor((w - 6) / (FLAME_FONT_SIZE * FLAME_CHAR_WIDTH));

	if (fit < 3)
		return;
	if ((double)text_chars(name) <= fit) {
		put_escaped(out, name, SIZE_MAX);
	} else {
		put_escaped(out, name, (size_t)fit - 2);
		fputs("..", out);
	}
}

static void put_frame(const struct layout *lay, const struct flame_node *node,
		      int depth, double x_count)
{
	FILE *out = lay->out;
	double x = XPAD + x_count * lay->scale;
	double w = node->total * lay->scale;
	int y = lay->height - YPAD_BOTTOM - (depth + 1) * FLAME_FRAME_HEIGHT;
	char count[64];
	int rgb[3];

	format_count(node->total, count, sizeof count);
	frame_colour(node->name, rgb);
	fputs("<g class=\"f\"><title>", out);
	put_escaped(out, node->name, SIZE_MAX);
	fprintf(out, " (%s %s, %.2f%%)</title>", count, lay->opt->countname,
		100.0 * node->total / lay->all);
	fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
		"rx=\"2\" fill=\"rgb(%d,%d,%d)\"/>",
		x, y, w, FLAME_FRAME_HEIGHT - 1, rgb[0], rgb[1], rgb[2]);
	/* Always a <text>, even empty: the script fills it in after a zoom. */
	fprintf(out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3,
		y + FLAME_FRAME_HEIGHT - 4.5);
	put_label(out, node->name, w);
	fputs("</text></g>\n", out);
}

/* Draw node and, left to right in name order, its visible children on
 * top of it. The part of the frame no child covers is its self time. */
static int put_tree(const struct layout *lay, const struct flame_node *node,
		    int depth, double x_count)
{
	put_frame(lay, node, depth, x_count);
	if (node->nchildren == 0)
		return 0;

	const struct flame_node **sorted = malloc(node->nchildren *
						   sizeof *sorted);
	if (sorted == NULL)
		return -1;
	for (size_t i = 0; i < node->nchildren; i++)
		sorted[i] = &node->children[i];
	qsort(sorted, node->nchildren, sizeof *sorted, by_name);

	int ret = 0;
	for (size_t i = 0; i < node->nchildren && ret == 0; i++) {
		/* Hidden children still take their room, so that every
		 * visible frame stays exactly above the samples it covers. */
		if (visible(lay, sorted[i]))
			ret = put_tree(lay, sorted[i], depth + 1, x_count);
		x_count += sorted[i]->total;
	}
	free(sorted);
	return ret;
}

/* ---- The script -------------------------------------------------------- */

/*
 * Zoom and search, run by the browser when the SVG is opened on its own
 * (an <img> tag shows the picture but runs no script). HOW IT WORKS: on
 * load it reads every frame's rectangle back from the document, so the
 * SVG's own coordinates are the only data. Zooming into frame z rescales
 * every frame above z and inside its span to the full width, stretches
 * the frames below it (its callers) and fades them, and hides the rest.
 * Searching colours the frames whose name matches and reports the share
 * of the x axis they cover, counting nested matches (a recursive function)
 * once. It is in a CDATA section, so '<' and '&' need no escaping; it
 * must never contain the three characters that end one.
 */
static const char script[] =
	"\"use strict\";\n"
	"(function () {\n"
	"var doc = document, svg = doc.documentElement;\n"
	"var details = doc.getElementById(\"details\");\n"
	"var unzoomButton = doc.getElementById(\"unzoom\");\n"
	"var searchButton = doc.getElementById(\"search\");\n"
	"var matched = doc.getElementById(\"matched\");\n"
	"var FULL = WIDTH - 2 * XPAD, EPS = 0.01;\n"
	"var frames = [];\n"
	"var gs = doc.getElementById(\"frames\").getElementsByTagName(\"g\");\n"
	"for (var i = 0; i < gs.length; i++) {\n"
	"	var g = gs[i], rect = g.getElementsByTagName(\"rect\")[0];\n"
	"	var title = g.getElementsByTagName(\"title\")[0].textContent;\n"
	"	var f = {g: g, rect: rect, title: title,\n"
	"		text: g.getElementsByTagName(\"text\")[0],\n"
	"		name: title.replace(/ \\([^()]*\\)$/, \"\"),\n"
	"		x: parseFloat(rect.getAttribute(\"x\")),\n"
	"		y: parseFloat(rect.getAttribute(\"y\")),\n"
	"		w: parseFloat(rect.getAttribute(\"width\")),\n"
	"		fill: rect.getAttribute(\"fill\")};\n"
	"	g.flameFrame = f;\n"
	"	frames.push(f);\n"
	"}\n"
	"\n"
	"/* Same rule as put_label() in flame_svg.c. */\n"
	"function label(f, w) {\n"
	"	var fit = Math.floor((w - 6) / CHAR_WIDTH);\n"
	"	if (fit < 3) return \"\";\n"
	"	if (f.name.length <= fit) return f.name;\n"
	"	return f.name.slice(0, fit - 2) + \"..\";\n"
	"}\n"
	"function place(f, x, w) {\n"
	"	f.rect.setAttribute(\"x\", x.toFixed(2));\n"
	"	f.rect.setAttribute(\"width\", w.toFixed(2));\n"
	"	f.text.setAttribute(\"x\", (x + 3).toFixed(2));\n"
	"	f.text.textContent = label(f, w);\n"
	"}\n"
	"function zoom(z) {\n"
	"	var scale = FULL / z.w;\n"
	"	frames.forEach(function (f) {\n"
	"		var show, caller = f.y > z.y + EPS;\n"
	"		if (caller) {\n"
	"			show = f.x <= z.x + EPS && f.x + f.w >= z.x + z.w - EPS;\n"
	"			if (show) place(f, XPAD, FULL);\n"
	"		} else {\n"
	"			show = f.x >= z.x - EPS && f.x + f.w <= z.x + z.w + EPS;\n"
	"			if (show) place(f, XPAD + (f.x - z.x) * scale, f.w * scale);\n"
	"		}\n"
	"		f.g.setAttribute(\"class\", show && caller ? \"f parent\" : \"f\");\n"
	"		f.g.style.display = show ? \"\" : \"none\";\n"
	"	});\n"
	"	unzoomButton.style.display = \"\";\n"
	"}\n"
	"function unzoom() {\n"
	"	frames.forEach(function (f) {\n"
	"		place(f, f.x, f.w);\n"
	"		f.g.setAttribute(\"class\", \"f\");\n"
	"		f.g.style.display = \"\";\n"
	"	});\n"
	"	unzoomButton.style.display = \"none\";\n"
	"}\n"
	"function search(re) {\n"
	"	var hits = [];\n"
	"	frames.forEach(function (f) {\n"
	"		var hit = re !== null && re.test(f.name);\n"
	"		f.rect.setAttribute(\"fill\", hit ? \"rgb(230,0,230)\" : f.fill);\n"
	"		if (hit) hits.push({from: f.x, to: f.x + f.w});\n"
	"	});\n"
	"	if (re === null) {\n"
	"		matched.textContent = \"\";\n"
	"		searchButton.textContent = \"Search\";\n"
	"		return;\n"
	"	}\n"
	"	/* The union of the matching spans: nested matches count once. */\n"
	"	hits.sort(function (a, b) { return a.from - b.from; });\n"
	"	var covered = 0, end = -Infinity;\n"
	"	hits.forEach(function (h) {\n"
	"		if (h.to > end) {\n"
	"			covered += h.to - Math.max(h.from, end);\n"
	"			end = h.to;\n"
	"		}\n"
	"	});\n"
	"	matched.textContent = \"Matched: \" + (100 * covered / FULL).toFixed(1) + \"%\";\n"
	"	searchButton.textContent = \"Reset Search\";\n"
	"}\n"
	"function askSearch() {\n"
	"	var term = window.prompt(\"Search frames (a regular expression):\", \"\");\n"
	"	if (term === null || term === \"\") return;\n"
	"	try {\n"
	"		search(new RegExp(term));\n"
	"	} catch (e) {\n"
	"		window.alert(\"Not a regular expression: \" + e.message);\n"
	"	}\n"
	"}\n"
	"function frameOf(node) {\n"
	"	for (; node && node !== svg; node = node.parentNode)\n"
	"		if (node.flameFrame) return node.flameFrame;\n"
	"	return null;\n"
	"}\n"
	"svg.addEventListener(\"click\", function (e) {\n"
	"	if (e.target === unzoomButton) return unzoom();\n"
	"	if (e.target === searchButton)\n"
	"		return searchButton.textContent === \"Search\" ? askSearch() : search(null);\n"
	"	var f = frameOf(e.target);\n"
	"	if (f) zoom(f);\n"
	"});\n"
	"svg.addEventListener(\"mouseover\", function (e) {\n"
	"	var f = frameOf(e.target);\n"
	"	details.textContent = f ? f.title : \" \";\n"
	"});\n"
	"window.addEventListener(\"keydown\", function (e) {\n"
	"	if (e.key === \"F3\" || ((e.ctrlKey || e.metaKey) && e.key === \"f\")) {\n"
	"		e.preventDefault();\n"
	"		askSearch();\n"
	"	}\n"
	"});\n"
	"})();\n";

/* ---- The document ------------------------------------------------------ */

static void put_header(const struct layout *lay)
{
	FILE *out = lay->out;
	int width = lay->opt->width;
	char total[64];

	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		width, lay->height, width, lay->height);
	fprintf(out,
		"<style>\n"
		"text { font-family: monospace; font-size: %dpx; fill: black; }\n"
		"#title { font-size: %dpx; }\n"
		".button { fill: rgb(0,0,160); cursor: pointer; }\n"
		"g.f { cursor: pointer; }\n"
		"g.f:hover rect { stroke: black; stroke-width: 0.5; }\n"
		"g.parent { opacity: 0.5; }\n"
		"</style>\n",
		FLAME_FONT_SIZE, FLAME_FONT_SIZE + 5);
	fputs("<defs><linearGradient id=\"background\" x1=\"0\" y1=\"0\" "
	      "x2=\"0\" y2=\"1\"><stop offset=\"5%\" stop-color=\"#eeeeee\"/>"
	      "<stop offset=\"95%\" stop-color=\"#eeeeb0\"/></linearGradient>"
	      "</defs>\n", out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		"fill=\"url(#background)\"/>\n", width, lay->height);

	fprintf(out, "<text id=\"title\" x=\"%d\" y=\"%d\" "
		"text-anchor=\"middle\">", width / 2, FLAME_FONT_SIZE * 2);
	put_escaped(out, lay->opt->title, SIZE_MAX);
	fputs("</text>\n", out);
	format_count(lay->all, total, sizeof total);
	fprintf(out, "<text id=\"subtitle\" x=\"%d\" y=\"%d\" "
		"text-anchor=\"middle\">%s ", width / 2,
		FLAME_FONT_SIZE * 2 + FLAME_FONT_SIZE * 3 / 2, total);
	put_escaped(out, lay->opt->countname, SIZE_MAX);
	fputs(" in all. Width is share of the total, not time. Hover for "
	      "details, click to zoom, Ctrl-F to search.</text>\n", out);
	fprintf(out, "<text id=\"unzoom\" class=\"button\" x=\"%d\" y=\"%d\" "
		"style=\"display: none\">Reset Zoom</text>\n",
		XPAD, FLAME_FONT_SIZE * 2);
	fprintf(out, "<text id=\"search\" class=\"button\" x=\"%d\" y=\"%d\" "
		"text-anchor=\"end\">Search</text>\n",
		width - XPAD, FLAME_FONT_SIZE * 2);
	fprintf(out, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n",
		XPAD, lay->height - FLAME_FONT_SIZE);
	fprintf(out, "<text id=\"matched\" x=\"%d\" y=\"%d\" "
		"text-anchor=\"end\"> </text>\n",
		width - XPAD, lay->height - FLAME_FONT_SIZE);
}

static void put_script(const struct layout *lay)
{
	fprintf(lay->out, "<script type=\"text/ecmascript\"><![CDATA[\n"
		"var WIDTH = %d, XPAD = %d, CHAR_WIDTH = %.3f;\n",
		lay->opt->width, XPAD, FLAME_FONT_SIZE * FLAME_CHAR_WIDTH);
	fputs(script, lay->out);
	fputs("]]></script>\n", lay->out);
}

int flame_svg_write(const struct flame *fg,
		    const struct flame_svg_options *opt, FILE *out)
{
	/* Parentheses in countname would confuse the script, which finds
	 * the name in a title by cutting the last "(...)" off. */
	if (opt->title == NULL || opt->countname == NULL ||
	    strpbrk(opt->countname, "()") != NULL || opt->width < 100 ||
	    opt->width > 1000000 || !(opt->minwidth >= 0) ||
	    !isfinite(opt->minwidth)) {
		errno = EINVAL;
		return -1;
	}

	struct layout lay = {out, opt, 0, fg->root.total, 0};
	/* An empty graph still gets a valid, empty picture: a root of
	 * width 0 is not visible, and the scale must not divide by zero. */
	lay.scale = fg->root.total > 0 ? (opt->width - 2.0 * XPAD) /
						 fg->root.total : 0;
	int depth = visible(&lay, &fg->root) ? max_depth(&lay, &fg->root, 0) : 0;
	lay.height = YPAD_TOP + (depth + 1) * FLAME_FRAME_HEIGHT + YPAD_BOTTOM;

	put_header(&lay);
	fputs("<g id=\"frames\">\n", out);
	int ret = visible(&lay, &fg->root) ? put_tree(&lay, &fg->root, 0, 0) : 0;
	fputs("</g>\n", out);
	put_script(&lay);
	fputs("</svg>\n", out);
	if (fflush(out) != 0 || ferror(out))
		ret = -1;
	return ret;
}
