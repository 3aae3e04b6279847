/*
 * util.c - memory, text buffers, string vectors, files and UTF-8 cleaning
 * for the grader (see util.h).
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- Memory ------------------------------------------------------------ */

static void out_of_memory(void)
{
	fputs("grade: out of memory\n", stderr);
	exit(3);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		out_of_memory();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct text t = TEXT_INIT;
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(&t, fmt, ap);
	va_end(ap);
	return text_detach(&t);
}

/* ---- Text ---------------------------------------------------------------- */

/* Room for `extra` more bytes plus the NUL; doubles, starting at 64. */
static void text_grow(struct text *t, size_t extra)
{
	size_t need;

	if (__builtin_add_overflow(t->len, extra, &need) ||
	    __builtin_add_overflow(need, 1, &need))
		out_of_memory();
	if (need <= t->alloc)
		return;
	size_t alloc = t->alloc ? t->alloc : 64;
	while (alloc < need)
		if (__builtin_mul_overflow(alloc, 2, &alloc))
			alloc = need;
	t->buf = xrealloc(t->buf, alloc);
	t->alloc = alloc;
}

void text_add(struct text *t, const char *data, size_t len)
{
	text_grow(t, len);
	if (len)
		memcpy(t->buf + t->len, data, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

void text_puts(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

void text_putc(struct text *t, char c)
{
	text_add(t, &c, 1);
}

void text_vprintf(struct text *t, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	text_grow(t, 0);
	n = vsnprintf(t->buf + t->len, t->alloc - t->len, fmt, ap);
	if (n < 0) {
		va_end(again);
		return; /* a format error: nothing sensible to add */
	}
	if ((size_t)n >= t->alloc - t->len) {
		text_grow(t, (size_t)n);
		vsnprintf(t->buf + t->len, t->alloc - t->len, fmt, again);
	}
	va_end(again);
	t->len += (size_t)n;
}

void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(t, fmt, ap);
	va_end(ap);
}

const char *text_str(const struct text *t)
{
	return t->buf ? t->buf : "";
}

char *text_detach(struct text *t)
{
	char *s = t->buf ? t->buf : xstrdup("");

	t->buf = NULL;
	t->len = t->alloc = 0;
	return s;
}

void text_reset(struct text *t)
{
	t->len = 0;
	if (t->buf)
		t->buf[0] = '\0';
}

void text_release(struct text *t)
{
	free(t->buf);
	t->buf = NULL;
	t->len = t->alloc = 0;
}

/* ---- String vectors ---------------------------------------------------- */

void strv_push_owned(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->alloc) {
		sv->alloc = sv->alloc ? 2 * sv->alloc : 8;
		sv->v = xrealloc(sv->v, sv->alloc * sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_owned(sv, xstrdup(s));
}

void strv_pushf(struct strv *sv, const char *fmt, ...)
{
	struct text t = TEXT_INIT;
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(&t, fmt, ap);
	va_end(ap);
	strv_push_owned(sv, text_detach(&t));
}

void strv_setenv(struct strv *sv, const char *name, const char *value)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < sv->n; i++) {
		if (strncmp(sv->v[i], name, nlen) == 0 && sv->v[i][nlen] == '=') {
			free(sv->v[i]);
			sv->v[i] = xasprintf("%s=%s", name, value);
			return;
		}
	}
	strv_pushf(sv, "%s=%s", name, value);
}

bool strv_has(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void strv_release(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

/* ---- Paths and files --------------------------------------------------- */

char *path_join(const char *a, const char *b)
{
	if (b[0] == '/' || a[0] == '\0')
		return xstrdup(b);
	size_t la = strlen(a);
	return xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *path_absolute(const char *path)
{
	char buf[PATH_MAX];

	if (realpath(path, buf))
		return xstrdup(buf);
	/* Not there yet: resolve the parent and append the last name. */
	const char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		char *parent = xstrndup(path, (size_t)(slash - path));
		char *abs_parent = path_absolute(parent);
		char *res = path_join(abs_parent, slash + 1);
		free(parent);
		free(abs_parent);
		return res;
	}
	if (path[0] == '/')
		return xstrdup(path);
	if (getcwd(buf, sizeof buf) == NULL)
		return xstrdup(path);
	return path_join(buf, path);
}

bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular_file(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

double file_mtime(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	return (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
		if (rc)
			break;
	}
	if (rc == 0 && mkdir(p, mode) != 0 && errno != EEXIST)
		rc = -1;
	if (rc == 0 && !is_dir(p)) {
		errno = ENOTDIR;
		rc = -1;
	}
	free(p);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0; /* keep going: remove as much as possible */
}

int rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	/* A sandboxed program may have left a folder without write or search
	 * permission for us; as root that does not matter, otherwise we try. */
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
	return lstat(path, &st) == 0 ? -1 : 0;
}

static uid_t chown_uid;
static gid_t chown_gid;

static int chown_one(const char *path, const struct stat *st, int flag,
		     struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

int chown_r(const char *path, uid_t uid, gid_t gid)
{
	chown_uid = uid;
	chown_gid = gid;
	return nftw(path, chown_one, 32, FTW_PHYS) == 0 ? 0 : -1;
}

char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct text t = TEXT_INIT;
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (t.len + (size_t)n > max) {
			close(fd);
			text_release(&t);
			errno = EFBIG;
			return NULL;
		}
		text_add(&t, buf, (size_t)n);
	}
	int saved = errno;
	close(fd);
	if (n < 0) {
		text_release(&t);
		errno = saved;
		return NULL;
	}
	if (len)
		*len = t.len;
	return text_detach(&t);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = -1;

	if (fd >= 0) {
		rc = write_all(fd, data, len);
		if (close(fd) != 0)
			rc = -1;
		if (rc == 0)
			rc = rename(tmp, path);
		if (rc != 0) {
			int saved = errno;
			unlink(tmp);
			errno = saved;
		}
	}
	free(tmp);
	return rc;
}

int copy_file(const char *from, const char *to, size_t max)
{
	size_t len;
	char *data = read_file(from, max, &len);

	if (data == NULL)
		return -1;
	int rc = write_file(to, data, len);
	free(data);
	return rc;
}

/* ---- Clocks -------------------------------------------------------------- */

double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Untrusted text ------------------------------------------------------ */

long utf8_decode(const unsigned char *s, size_t n, size_t *used)
{
	unsigned char c = s[0];
	size_t need;
	long cp;

	*used = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (need >= n)
		return -1;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return -1;
	*used = need + 1;
	return cp;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

char *utf8_clean(const char *s, size_t len)
{
	struct text t = TEXT_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used;

	text_grow(&t, len);
	while (i < len) {
		long cp = utf8_decode(p + i, len - i, &used);
		if (cp < 0)
			text_puts(&t, REPLACEMENT);
		else if (cp != 0)
			text_add(&t, s + i, used);
		i += used;
	}
	return text_detach(&t);
}

char *text_line(const char *s, size_t max_chars)
{
	struct text t = TEXT_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, used, chars = 0;
	bool space = false;

	while (i < len && chars < max_chars) {
		long cp = utf8_decode(p + i, len - i, &used);
		if (cp >= 0 && (cp < 0x20 || cp == 0x7F || cp == ' ' ||
				(cp >= 0x80 && cp < 0xA0))) {
			space = t.len > 0; /* collapse, and no leading space */
		} else {
			if (space) {
				text_putc(&t, ' ');
				chars++;
				space = false;
			}
			if (cp < 0)
				text_puts(&t, REPLACEMENT);
			else
				text_add(&t, s + i, used);
			chars++;
		}
		i += used;
	}
	if (i < len)
		text_puts(&t, "...");
	return text_detach(&t);
}

char *text_block(const char *s)
{
	struct text t = TEXT_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, used;

	while (i < len) {
		long cp = utf8_decode(p + i, len - i, &used);
		if (cp == '\n')
			text_putc(&t, '\n');
		else if (cp == '\t')
			text_puts(&t, "    ");
		else if (cp < 0)
			text_puts(&t, REPLACEMENT);
		else if (!(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)))
			text_add(&t, s + i, used);
		i += used;
	}
	return text_detach(&t);
}

/* ---- Small helpers ------------------------------------------------------- */

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xmalloc((lb + 1) * sizeof *row);

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}
