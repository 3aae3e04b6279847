/*
 * flame.c - folded stacks in, a merged tree of frames out. The format and
 * the invariants are in flame.h; the drawing is in flame_svg.c.
 */
#include "flame.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Counts longer than this are malformed: 64 digits is already 1e63, far
 * past any real sample count, and the limit keeps the parse buffer fixed. */
#define FLAME_COUNT_MAX_LEN 64

/* ---- Nodes ------------------------------------------------------------- */

static int node_init(struct flame_node *node, const char *name, size_t len)
{
	node->name = malloc(len + 1);
	if (node->name == NULL)
		return -1; /* errno is ENOMEM */
	memcpy(node->name, name, len);
	node->name[len] = '\0';
	node->self = node->total = 0;
	node->children = NULL;
	node->nchildren = node->alloc = 0;
	return 0;
}

static void node_release(struct flame_node *node)
{
	for (size_t i = 0; i < node->nchildren; i++)
		node_release(&node->children[i]);
	free(node->children);
	free(node->name);
}

/* The child called name[0..len), or NULL. */
static struct flame_node *node_find(const struct flame_node *node,
				    const char *name, size_t len)
{
	for (size_t i = 0; i < node->nchildren; i++) {
		struct flame_node *c = &node->children[i];
		if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
			return c;
	}
	return NULL;
}

/*
 * Make room for one more child. The array doubles (starting at 4), so n
 * children cost O(log n) reallocs; the size is checked before it is
 * multiplied. realloc may move the children, which is safe because nobody
 * keeps a pointer to a child across this call.
 */
static int node_grow(struct flame_node *node)
{
	if (node->nchildren < node->alloc)
		return 0;
	size_t want = node->alloc ? node->alloc * 2 : 4;
	if (want < node->alloc || want > SIZE_MAX / sizeof *node->children) {
		errno = ENOMEM;
		return -1;
	}
	struct flame_node *p = realloc(node->children,
				       want * sizeof *node->children);
	if (p == NULL)
		return -1;
	node->children = p;
	node->alloc = want;
	return 0;
}

/* The child called name[0..len), added with zero counts if missing. */
static struct flame_node *node_find_or_add(struct flame_node *node,
					   const char *name, size_t len)
{
	struct flame_node *c = node_find(node, name, len);
	if (c != NULL)
		return c;
	if (node_grow(node) < 0)
		return NULL;
	c = &node->children[node->nchildren];
	if (node_init(c, name, len) < 0)
		return NULL;
	node->nchildren++;
	return c;
}

/* ---- Life cycle -------------------------------------------------------- */

int flame_init(struct flame *fg)
{
	fg->lines = fg->blank = fg->malformed = fg->first_malformed = 0;
	return node_init(&fg->root, "all", 3);
}

void flame_release(struct flame *fg)
{
	node_release(&fg->root);
	memset(fg, 0, sizeof *fg);
}

/* ---- Parsing ----------------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A count is digits, optionally '.' and more digits: no sign, exponent,
 * "inf" or hex, which strtod alone would accept. */
static int parse_count(const char *s, size_t len, double *out)
{
	char buf[FLAME_COUNT_MAX_LEN + 1];
	size_t i = 0;

	if (len == 0 || len > FLAME_COUNT_MAX_LEN)
		return -1;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0)
		return -1;
	if (i < len && s[i] == '.') {
		size_t frac = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == frac)
			return -1;
	}
	if (i != len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return 0;
}

/* Every frame non-empty, and no NUL byte (it would cut the name short). */
static int stack_valid(const char *stack, size_t len)
{
	size_t frame_len = 0;

	for (size_t i = 0; i < len; i++) {
		if (stack[i] == '\0')
			return 0;
		if (stack[i] == ';') {
			if (frame_len == 0)
				return 0;
			frame_len = 0;
		} else {
			frame_len++;
		}
	}
	return frame_len > 0;
}

static enum flame_line malformed(struct flame *fg)
{
	if (fg->malformed++ == 0)
		fg->first_malformed = fg->lines;
	return FLAME_MALFORMED;
}

/* Length of the frame starting at s, up to the next ';' or end. */
static size_t frame_len(const char *s, const char *end)
{
	const char *semi = memchr(s, ';', (size_t)(end - s));
	return (size_t)((semi ? semi : end) - s);
}

enum flame_line flame_add_line(struct flame *fg, const char *line, size_t len)
{
	fg->lines++;
	while (len > 0 && is_space(line[len - 1]))
		len--;
	while (len > 0 && is_space(line[0])) {
		line++;
		len--;
	}
	if (len == 0) {
		fg->blank++;
		return FLAME_BLANK;
	}

	/* The count is the last token: frame names may contain spaces. */
	size_t sp = len;
	while (sp > 0 && line[sp - 1] != ' ' && line[sp - 1] != '\t')
		sp--;
	double count;
	if (sp == 0 || parse_count(line + sp, len - sp, &count) < 0)
		return malformed(fg);
	size_t stack_len = sp;
	while (stack_len > 0 && is_space(line[stack_len - 1]))
		stack_len--;
	if (!stack_valid(line, stack_len))
		return malformed(fg);

	/*
	 * Two passes, so that running out of memory half-way leaves the
	 * invariant intact: first make sure every node on the path exists
	 * (new ones start at zero, which breaks nothing), then add the
	 * count to each of them.
	 */
	const char *end = line + stack_len;
	struct flame_node *node = &fg->root;
	for (const char *s = line; s < end;) {
		size_t n = frame_len(s, end);
		node = node_find_or_add(node, s, n);
		if (node == NULL)
			return FLAME_NOMEM;
		s += n + 1;
	}
	node = &fg->root;
	node->total += count;
	for (const char *s = line; s < end;) {
		size_t n = frame_len(s, end);
		node = node_find(node, s, n);
		assert(node != NULL); /* the first pass made it */
		node->total += count;
		s += n + 1;
	}
	node->self += count;
	return FLAME_ADDED;
}

int flame_read(struct flame *fg, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	errno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (flame_add_line(fg, line, (size_t)n) == FLAME_NOMEM) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && ferror(f))
		ret = -1; /* getline set errno */
	free(line);
	return ret;
}

/* ---- Invariants -------------------------------------------------------- */

/* Sums of doubles depend on the order of the additions, so compare with a
 * relative tolerance; integer counts below 2^53 add up exactly anyway. */
static bool about_equal(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* Recursive, so checking costs O(nodes * siblings) time and stack depth
 * proportional to the deepest stack (hundreds of frames at most). */
static bool node_check(const struct flame_node *node)
{
	double sum = node->self;

	if (node->name == NULL || node->name[0] == '\0' ||
	    strchr(node->name, ';') != NULL)
		return false;
	if (node->self < 0 || node->nchildren > node->alloc)
		return false;
	for (size_t i = 0; i < node->nchildren; i++) {
		const struct flame_node *c = &node->children[i];
		for (size_t j = 0; j < i; j++)
			if (strcmp(node->children[j].name, c->name) == 0)
				return false;
		if (!node_check(c))
			return false;
		sum += c->total;
	}
	return about_equal(sum, node->total);
}

bool flame_check(const struct flame *fg)
{
	return strcmp(fg->root.name, "all") == 0 && node_check(&fg->root) &&
	       fg->blank + fg->malformed <= fg->lines;
}
