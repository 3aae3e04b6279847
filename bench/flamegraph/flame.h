/*
 * flame.h - a flame graph: call stacks merged into a tree whose frames are
 * as wide as the samples (or instructions) spent in them, drawn as an SVG.
 *
 * USAGE
 *
 *     struct flame fg;
 *     flame_init(&fg);
 *     flame_add_line(&fg, "main;parse;strlen 3", 19);  // or flame_read()
 *     flame_add_line(&fg, "main;parse 1", 12);
 *     struct flame_svg_options opt = FLAME_SVG_OPTIONS_INIT;
 *     opt.title = "parse";
 *     flame_svg_write(&fg, &opt, stdout);
 *     flame_release(&fg);
 *
 * THE INPUT: FOLDED STACKS (Brendan Gregg's format)
 *
 * One stack per line, root first, frames separated by ';', then a space
 * and how many samples had exactly that stack:
 *
 *     main;parse;strlen 3
 *
 * The count is the last space-separated token, so frame names may hold
 * spaces ("(below main)", "operator new(unsigned long)"); they may not
 * hold ';' or be empty. Counts are decimal numbers >= 0, fractions allowed
 * ("2.5"): a converter that splits costs may produce them.
 * `google-pprof --collapsed` writes this format; the stackcollapse-*.awk
 * convert perf's and callgrind's output to it.
 *
 * THE TREE
 *
 * Identical stacks merge: the two lines above give one node "main" with
 * one child "parse", which was the leaf of 1 sample and has one child
 * "strlen" (3 samples). The root is a node named "all" holding everything.
 *
 * INVARIANTS (flame_check() verifies them; the tests call it)
 *
 *  - Every node's total == its self + the totals of its children, so the
 *    root's total is the sum of all counts read.
 *  - No two children of a node have the same name (that is the merge).
 *  - Every name is non-empty and holds no ';'.
 *
 * ERRORS
 *
 * Bad input lines are not errors: flame_add_line() says what it did with
 * each and counts blank and malformed lines, so a program can report
 * "ignored 3 malformed lines" once. Out of memory is an error (-1, errno
 * ENOMEM), after which the tree is still valid, just missing that line.
 *
 * LIMITATIONS
 *
 * Children are kept in an unsorted array and found by linear search, so
 * adding a frame costs O(number of siblings). Real profiles have a few to
 * a few dozen children per frame, where this is faster than a hash; a
 * node with 100,000 distinct children would make reading quadratic.
 */
#ifndef FLAME_H
#define FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct flame_node {
	char *name;                  /* owned, non-empty, no ';' */
	double self;                 /* count of stacks ending here */
	double total;                /* self + children's totals */
	struct flame_node *children; /* owned array of nchildren nodes */
	size_t nchildren;
	size_t alloc;                /* room in children */
};

struct flame {
	struct flame_node root;      /* named "all" */
	size_t lines;                /* lines given to flame_add_line */
	size_t blank;                /* of which empty or only whitespace */
	size_t malformed;            /* of which ignored as malformed */
	size_t first_malformed;      /* line number of the first, 1-based */
};

/* ---- Life cycle -------------------------------------------------------- */

/* Set up an empty graph. Allocates only the root's name: returns 0, or -1
 * with errno ENOMEM. */
int flame_init(struct flame *fg);

/* Free every node; fg must be flame_init()ed again before reuse. */
void flame_release(struct flame *fg);

/* ---- Adding stacks ----------------------------------------------------- */

enum flame_line {
	FLAME_ADDED,     /* the stack was merged into the tree */
	FLAME_BLANK,     /* empty or whitespace only: skipped */
	FLAME_MALFORMED, /* no count, a bad count, or an empty frame: skipped */
	FLAME_NOMEM,     /* out of memory: the line was not added */
};

/*
 * Parse one folded line of len bytes (it need not be NUL-terminated; a
 * trailing "\n" or "\r\n" is allowed) and merge its stack into the tree.
 * Updates the line counters in fg. Cost: O(depth * siblings).
 */
enum flame_line flame_add_line(struct flame *fg, const char *line, size_t len);

/* Add every line of f. Returns 0, or -1 on a read error or out of memory
 * (errno says which); the lines read so far stay in the tree. */
int flame_read(struct flame *fg, FILE *f);

/* Check the invariants above; false means a bug in flame.c. */
bool flame_check(const struct flame *fg);

/* ---- Rendering (flame_svg.c) ------------------------------------------- */

struct flame_svg_options {
	const char *title;     /* shown at the top */
	const char *countname; /* what a count is: "samples", "instructions" */
	int width;             /* image width in pixels */
	double minwidth;       /* frames narrower than this many px are left
				  out, with everything above them */
};

#define FLAME_SVG_OPTIONS_INIT { "Flame Graph", "samples", 1200, 0.1 }

/*
 * Write fg as one self-contained SVG document: a rectangle per frame, the
 * root at the bottom, each frame as wide as its total and its children
 * side by side on top of it in alphabetical order (so the x axis is not
 * time: it only orders names). Every frame has a <title> "name (N
 * samples, P%)" that browsers show on hover, and the inline script lets a
 * click zoom into a frame and Ctrl-F (or the Search button) highlight
 * frames matching a regular expression. Names are XML-escaped; bytes that
 * are not valid UTF-8 become '?'.
 *
 * Returns 0, or -1 when writing failed (errno from stdio) or the options
 * are out of range (EINVAL: width < 100, minwidth < 0, NULL strings).
 */
int flame_svg_write(const struct flame *fg,
		    const struct flame_svg_options *opt, FILE *out);

#endif /* FLAME_H */
