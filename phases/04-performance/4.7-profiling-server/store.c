/*
 * store.c - gauges and counters in two uthash tables behind one mutex,
 * their text and JSON forms, and saving them to a file. See store.h.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uthash.h>

/* uthash reports out of memory through this hook; the default exit()s. We
 * make HASH_ADD leave the table unchanged and set a flag instead. */
static __thread bool hash_oom;
#undef uthash_nonfatal_oom
#define uthash_nonfatal_oom(obj) (hash_oom = true)

struct entry {
	UT_hash_handle hh;
	union {
		double gauge;
		int64_t counter;
	};
	char name[METRIC_NAME_MAX + 1];
};

struct store {
	pthread_mutex_t lock;
	struct entry *tables[2]; /* indexed by enum metric_type */
	uint64_t version;        /* updates applied; read without the lock */
};

#define why_set(why, ...) snprintf((why), STORE_WHY_MAX, __VA_ARGS__)

/* ---- Life cycle ------------------------------------------------------ */

struct store *store_new(void)
{
	struct store *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	pthread_mutex_init(&st->lock, NULL);
	return st;
}

void store_free(struct store *st)
{
	if (st == NULL)
		return;
	for (int t = 0; t < 2; t++) {
		struct entry *e, *tmp;
		HASH_ITER(hh, st->tables[t], e, tmp) {
			HASH_DEL(st->tables[t], e);
			free(e);
		}
	}
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* ---- Parsing and printing -------------------------------------------- */

int metric_type_parse(const char *text, enum metric_type *type)
{
	if (strcmp(text, "gauge") == 0)
		*type = METRIC_GAUGE;
	else if (strcmp(text, "counter") == 0)
		*type = METRIC_COUNTER;
	else
		return -1;
	return 0;
}

const char *metric_type_name(enum metric_type type)
{
	return type == METRIC_GAUGE ? "gauge" : "counter";
}

int metric_name_check(const char *name, char *why)
{
	size_t len = strlen(name);

	if (len == 0) {
		why_set(why, "metric name is empty");
		return -1;
	}
	if (len > METRIC_NAME_MAX) {
		why_set(why, "metric name is %zu bytes long; the limit is %d",
			len, METRIC_NAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == ':' || c == '-')) {
			why_set(why, "metric name may hold only letters, digits "
				"and _ . : - (byte %zu is 0x%02x)", i, c);
			return -1;
		}
	}
	return 0;
}

static int gauge_parse(const char *text, double *out, char *why)
{
	char *end;

	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
		why_set(why, "gauge value must be a finite number, not \"%.40s\"",
			text);
		return -1;
	}
	*out = v;
	return 0;
}

static int counter_parse(const char *text, int64_t *out, char *why)
{
	char *end;

	/* strtoll accepts leading spaces and a sign; a delta is digits only */
	if (text[0] < '0' || text[0] > '9') {
		why_set(why, "counter delta must be a whole number >= 0, not "
			"\"%.40s\"", text);
		return -1;
	}
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (*end != '\0') {
		why_set(why, "counter delta must be a whole number >= 0, not "
			"\"%.40s\"", text);
		return -1;
	}
	if (errno == ERANGE) {
		why_set(why, "counter delta %.40s does not fit in int64", text);
		return -1;
	}
	*out = v;
	return 0;
}

int metric_parse(struct metric *m, const char *type, const char *name,
		 const char *value, char *why)
{
	if (metric_type_parse(type, &m->type) != 0) {
		why_set(why, "metric type must be gauge or counter, not \"%.40s\"",
			type);
		return -1;
	}
	if (metric_name_check(name, why) != 0)
		return -1;
	strcpy(m->name, name);
	if (m->type == METRIC_GAUGE)
		return gauge_parse(value, &m->gauge, why);
	return counter_parse(value, &m->counter, why);
}

/*
 * %.17g always reads back as the same double but prints 0.1 as
 * 0.10000000000000001; the shortest precision that round-trips is what a
 * person expects to see (and what Go's strconv prints). 15 digits are
 * enough for most values, so the loop usually runs once.
 */
static int gauge_print(double v, struct strbuf *out)
{
	char text[40];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(text, sizeof text, "%.*g", prec, v);
		if (strtod(text, NULL) == v)
			break;
	}
	return strbuf_addstr(out, text);
}

int metric_value_print(const struct metric *m, struct strbuf *out)
{
	if (m->type == METRIC_GAUGE)
		return gauge_print(m->gauge, out);
	return strbuf_addf(out, "%" PRId64, m->counter);
}

/* Names hold no character JSON must escape (see metric_name_check), so
 * they go in between quotes as they are. */
int metric_json_print(const struct metric *m, struct strbuf *out)
{
	int rc = strbuf_addf(out, "{\"id\":\"%s\",\"type\":\"%s\",\"%s\":",
			     m->name, metric_type_name(m->type),
			     m->type == METRIC_GAUGE ? "value" : "delta");
	if (rc == 0)
		rc = metric_value_print(m, out);
	if (rc == 0)
		rc = strbuf_addch(out, '}');
	return rc;
}

/* One JSON object into m; index is its place in an array, or -1. */
static int metric_from_json(json_t *obj, bool want_value, long index,
			    struct metric *m, char *why)
{
	char where[32] = "";
	json_t *id, *type, *value;

	if (index >= 0)
		snprintf(where, sizeof where, "metric %ld: ", index);
	if (!json_is_object(obj)) {
		why_set(why, "%sexpected a JSON object", where);
		return -1;
	}
	id = json_object_get(obj, "id");
	type = json_object_get(obj, "type");
	if (!json_is_string(id)) {
		why_set(why, "%s\"id\" must be a string", where);
		return -1;
	}
	if (!json_is_string(type) ||
	    metric_type_parse(json_string_value(type), &m->type) != 0) {
		why_set(why, "%s\"type\" must be \"gauge\" or \"counter\"", where);
		return -1;
	}
	if (metric_name_check(json_string_value(id), why) != 0) {
		if (index >= 0) {
			char inner[STORE_WHY_MAX];
			memcpy(inner, why, sizeof inner);
			why_set(why, "%s%s", where, inner);
		}
		return -1;
	}
	strcpy(m->name, json_string_value(id));
	if (!want_value) {
		m->counter = 0;
		return 0;
	}
	if (m->type == METRIC_GAUGE) {
		value = json_object_get(obj, "value");
		if (!json_is_number(value) || !isfinite(json_number_value(value))) {
			why_set(why, "%sgauge %s needs a numeric \"value\"", where,
				m->name);
			return -1;
		}
		m->gauge = json_number_value(value);
	} else {
		/* jansson keeps integers as long long, exact to INT64_MAX:
		 * a parser storing every number as a double (cJSON) would
		 * round deltas above 2^53. */
		value = json_object_get(obj, "delta");
		if (!json_is_integer(value) || json_integer_value(value) < 0) {
			why_set(why, "%scounter %s needs an integer \"delta\" >= 0",
				where, m->name);
			return -1;
		}
		m->counter = json_integer_value(value);
	}
	return 0;
}

int metric_json_parse(const char *text, size_t len, bool array,
		      bool want_value, struct metric **out, size_t *count,
		      char *why)
{
	json_error_t err;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	struct metric *ms = NULL;
	size_t n = 0;

	*out = NULL;
	*count = 0;
	if (doc == NULL) {
		why_set(why, "bad JSON at line %d column %d: %s", err.line,
			err.column, err.text);
		return -1;
	}
	if (array) {
		if (!json_is_array(doc)) {
			why_set(why, "expected a JSON array of metrics");
			goto fail;
		}
		n = json_array_size(doc);
		if (n == 0) {
			why_set(why, "the array of metrics is empty");
			goto fail;
		}
	} else {
		n = 1;
	}
	ms = malloc(n * sizeof *ms);
	if (ms == NULL) {
		why_set(why, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *obj = array ? json_array_get(doc, i) : doc;
		if (metric_from_json(obj, want_value, array ? (long)i : -1,
				     &ms[i], why) != 0)
			goto fail;
	}
	json_decref(doc);
	*out = ms;
	*count = n;
	return 0;
fail:
	free(ms);
	json_decref(doc);
	return -1;
}

/* ---- Reading and writing --------------------------------------------- */

struct undo {
	struct entry *e;
	bool created;
	int64_t old_counter;
	double old_gauge;
};

/* Put back what the first n updates changed, newest first. */
static void undo_all(struct store *st, struct undo *log, size_t n,
		     const struct metric *m)
{
	while (n-- > 0) {
		struct entry *e = log[n].e;
		if (log[n].created) {
			HASH_DEL(st->tables[m[n].type], e);
			free(e);
		} else if (m[n].type == METRIC_GAUGE) {
			e->gauge = log[n].old_gauge;
		} else {
			e->counter = log[n].old_counter;
		}
	}
}

int store_update(struct store *st, struct metric *m, size_t n, char *why)
{
	/* An undo log only for batches: a single update can fail before it
	 * changes anything, so it needs none. */
	struct undo one, *log = n > 1 ? malloc(n * sizeof *log) : &one;
	int rc = 0;

	if (log == NULL) {
		why_set(why, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	for (size_t i = 0; i < n; i++) {
		struct entry **table = &st->tables[m[i].type], *e;
		bool created = false;

		HASH_FIND_STR(*table, m[i].name, e);
		if (e == NULL) {
			e = calloc(1, sizeof *e);
			if (e != NULL) {
				strcpy(e->name, m[i].name);
				hash_oom = false;
				HASH_ADD_STR(*table, name, e);
				if (hash_oom) {
					free(e);
					e = NULL;
				}
			}
			if (e == NULL) {
				why_set(why, "out of memory");
				errno = ENOMEM;
				rc = -1;
			}
			created = true;
		}
		if (rc == 0 && m[i].type == METRIC_COUNTER &&
		    e->counter > INT64_MAX - m[i].counter) {
			why_set(why, "counter %s would pass INT64_MAX", e->name);
			errno = EOVERFLOW;
			rc = -1;
			if (created) {
				HASH_DEL(*table, e);
				free(e);
			}
		}
		if (rc != 0) {
			undo_all(st, log, i, m);
			break;
		}
		log[i] = (struct undo){ e, created, e->counter, e->gauge };
		if (m[i].type == METRIC_GAUGE) {
			e->gauge = m[i].gauge;
		} else {
			e->counter += m[i].counter;
			m[i].counter = e->counter;
		}
	}
	if (rc == 0)
		__atomic_add_fetch(&st->version, n, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&st->lock);
	if (log != &one)
		free(log);
	return rc;
}

int store_get(struct store *st, enum metric_type type, const char *name,
	      struct metric *out)
{
	struct entry *e;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	HASH_FIND_STR(st->tables[type], name, e);
	if (e != NULL) {
		out->type = type;
		strcpy(out->name, e->name);
		if (type == METRIC_GAUGE)
			out->gauge = e->gauge;
		else
			out->counter = e->counter;
		rc = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

static int by_name_then_type(const void *a, const void *b)
{
	const struct metric *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (int)x->type - (int)y->type;
}

struct metric *store_snapshot(struct store *st, size_t *count)
{
	struct metric *all = NULL;
	size_t n, i = 0;

	/* Copy under the lock, sort outside it: the lock is held for a
	 * memcpy per metric, never for the O(n log n) sort. */
	pthread_mutex_lock(&st->lock);
	n = HASH_COUNT(st->tables[0]) + HASH_COUNT(st->tables[1]);
	if (n > 0)
		all = malloc(n * sizeof *all);
	if (all != NULL) {
		for (int t = 0; t < 2; t++) {
			for (struct entry *e = st->tables[t]; e != NULL;
			     e = e->hh.next) {
				all[i].type = (enum metric_type)t;
				strcpy(all[i].name, e->name);
				if (t == METRIC_GAUGE)
					all[i].gauge = e->gauge;
				else
					all[i].counter = e->counter;
				i++;
			}
		}
	}
	pthread_mutex_unlock(&st->lock);
	if (n > 0 && all == NULL) {
		*count = SIZE_MAX;
		return NULL;
	}
	if (n > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(all, n, sizeof *all, by_name_then_type);
	*count = n;
	return all;
}

uint64_t store_version(struct store *st)
{
	return __atomic_load_n(&st->version, __ATOMIC_RELAXED);
}

/* ---- Files ------------------------------------------------------------ */

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* fsync the directory holding path, so the rename itself is durable. */
static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int store_save(struct store *st, const char *path, char *why)
{
	struct strbuf sb = STRBUF_INIT;
	char tmp[PATH_MAX];
	size_t n;
	struct metric *all = store_snapshot(st, &n);
	int fd = -1, saved_errno;

	if (all == NULL && n == SIZE_MAX) {
		why_set(why, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	strbuf_addstr(&sb, "[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(&sb, i ? ",\n" : "\n");
		metric_json_print(&all[i], &sb);
	}
	free(all);
	if (strbuf_addstr(&sb, "\n]\n") != 0) {
		why_set(why, "out of memory");
		strbuf_release(&sb);
		errno = ENOMEM;
		return -1;
	}
	/* The temporary file sits in the same directory, so rename() is an
	 * atomic replace on the same file system. mkstemp makes it 0600. */
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		why_set(why, "store path is too long");
		strbuf_release(&sb);
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (write_all(fd, sb.buf, sb.len) != 0 || fsync(fd) != 0)
		goto fail_unlink;
	if (close(fd) != 0) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail_unlink;
	strbuf_release(&sb);
	if (sync_dir_of(path) != 0) {
		why_set(why, "fsync of the directory of %s: %s", path,
			strerror(errno));
		return -1;
	}
	return 0;
fail_unlink:
	saved_errno = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved_errno;
fail:
	why_set(why, "saving %s: %s", path, strerror(errno));
	strbuf_release(&sb);
	return -1;
}

int store_load(struct store *st, const char *path, char *why)
{
	FILE *f = fopen(path, "re");
	struct strbuf sb = STRBUF_INIT;
	struct metric *ms;
	size_t n;
	char chunk[8192];
	size_t got;
	int rc;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0; /* first start: nothing saved yet */
		why_set(why, "opening %s: %s", path, strerror(errno));
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (strbuf_add(&sb, chunk, got) != 0) {
			why_set(why, "out of memory reading %s", path);
			fclose(f);
			strbuf_release(&sb);
			return -1;
		}
	}
	if (ferror(f)) {
		why_set(why, "reading %s: %s", path, strerror(errno));
		fclose(f);
		strbuf_release(&sb);
		return -1;
	}
	fclose(f);
	/* The saved form is POST /updates' format, except that an empty
	 * store saves as [], which /updates refuses: accept it here. */
	json_t *doc = json_loadb(sb.buf, sb.len, 0, NULL);
	bool empty = json_is_array(doc) && json_array_size(doc) == 0;
	json_decref(doc);
	if (empty) {
		strbuf_release(&sb);
		return 0;
	}
	rc = metric_json_parse(sb.buf, sb.len, true, true, &ms, &n, why);
	strbuf_release(&sb);
	if (rc != 0) {
		char inner[STORE_WHY_MAX];
		memcpy(inner, why, sizeof inner);
		why_set(why, "%.80s: %.160s", path, inner);
		return -1;
	}
	/* Saved counters hold totals: loading adds them to an empty store,
	 * and gauges replace, so a load restores exactly what was saved. */
	rc = store_update(st, ms, n, why);
	free(ms);
	return rc;
}
