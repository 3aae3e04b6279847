/*
 * benchfile.c - reader for Go's benchmark data format: configuration lines
 * and result lines in, a flat list of (name, unit, value) samples out.
 */
#include "benchfile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "grow.h"

/* Field separators on a result line: Go's strings.Fields splits on these. */
#define BLANKS " \t\v\f\r\n"

void benchfile_init(struct benchfile *bf)
{
	*bf = (struct benchfile){0};
}

void benchfile_release(struct benchfile *bf)
{
	for (size_t i = 0; i < bf->nconfigs; i++) {
		free(bf->configs[i].key);
		free(bf->configs[i].value);
	}
	for (size_t i = 0; i < bf->nresults; i++) {
		free(bf->results[i].name);
		free(bf->results[i].unit);
	}
	free(bf->configs);
	free(bf->results);
	free(bf->path);
	benchfile_init(bf);
}

const char *benchfile_config(const struct benchfile *bf, const char *key)
{
	for (size_t i = 0; i < bf->nconfigs; i++)
		if (strcmp(bf->configs[i].key, key) == 0)
			return bf->configs[i].value;
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Configuration lines                                                      */
/* ---------------------------------------------------------------------- */

/*
 * If line is "key: value" with a valid key, split it in place and return
 * true. The key starts with a lower-case letter and holds no blank or
 * upper-case character; one or more blanks separate "key:" from the value.
 * ASCII only: Go uses Unicode classes here, but non-ASCII keys do not
 * occur in practice, and treating them as "not a key" only means the line
 * is ignored.
 */
static bool split_config(char *line, char **key, char **value)
{
	char *colon = strchr(line, ':');

	if (!colon || colon == line || !islower((unsigned char)line[0]))
		return false;
	for (char *p = line; p < colon; p++)
		if (isspace((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	if (colon[1] != '\0' && colon[1] != ' ' && colon[1] != '\t')
		return false;	/* "http://x" is not a config line */

	char *v = colon + 1 + strspn(colon + 1, BLANKS);
	char *end = v + strlen(v);
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	*colon = '\0';
	*key = line;
	*value = v;
	return true;
}

/* Record key = value, replacing an earlier value of the same key. */
static int set_config(struct benchfile *bf, const char *key, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return -1;
	for (size_t i = 0; i < bf->nconfigs; i++) {
		if (strcmp(bf->configs[i].key, key) == 0) {
			free(bf->configs[i].value);
			bf->configs[i].value = v;
			return 0;
		}
	}
	char *k = strdup(key);
	if (!k || grow_array((void **)&bf->configs, &bf->configs_alloc,
			     bf->nconfigs + 1, sizeof *bf->configs) < 0) {
		free(k);
		free(v);
		return -1;
	}
	bf->configs[bf->nconfigs++] = (struct benchfile_config){k, v};
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Result lines                                                             */
/* ---------------------------------------------------------------------- */

/* "Benchmark" then end of word or anything but a lower-case letter, so
 * that "BenchmarkFoo" and "Benchmark/x" count and "Benchmarking..." does
 * not. */
static bool is_result_line(const char *line)
{
	static const char prefix[] = "Benchmark";
	size_t n = sizeof prefix - 1;

	return strncmp(line, prefix, n) == 0 &&
	       !islower((unsigned char)line[n]);
}

/* Whole string is a number: strtod consumed it all. */
static bool parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && errno != ERANGE && isfinite(*out);
}

static bool parse_count(const char *s)
{
	char *end;

	errno = 0;
	long long n = strtoll(s, &end, 10);
	return end != s && *end == '\0' && errno != ERANGE && n >= 0;
}

__attribute__((format(printf, 4, 5)))
static void malformed(struct benchfile *bf, FILE *warn, size_t lineno,
		      const char *fmt, ...)
{
	va_list ap;

	bf->nmalformed++;
	if (!warn)
		return;
	fprintf(warn, "%s:%zu: malformed benchmark line: ", bf->path, lineno);
	va_start(ap, fmt);
	vfprintf(warn, fmt, ap);
	va_end(ap);
	fputs("; ignored\n", warn);
}

/*
 * Parse one result line, already split into fields. The whole line is
 * checked before anything is appended, so a bad line contributes no
 * samples at all (a half-read line would pair units with wrong values).
 */
static int add_result(struct benchfile *bf, char **fields, size_t nfields,
		      size_t lineno, FILE *warn)
{
	if (nfields < 4 || nfields % 2 != 0) {
		malformed(bf, warn, lineno, "%zu fields, want an even number "
			  ">= 4 (name, iterations, then value-unit pairs)",
			  nfields);
		return 0;
	}
	if (!parse_count(fields[1])) {
		malformed(bf, warn, lineno, "iteration count \"%s\" is not an "
			  "integer", fields[1]);
		return 0;
	}
	for (size_t i = 2; i < nfields; i += 2) {
		double v;
		if (!parse_double(fields[i], &v)) {
			malformed(bf, warn, lineno, "value \"%s\" is not a "
				  "finite number", fields[i]);
			return 0;
		}
	}

	size_t nvalues = (nfields - 2) / 2;
	if (grow_array((void **)&bf->results, &bf->results_alloc,
		       bf->nresults + nvalues, sizeof *bf->results) < 0)
		return -1;

	const char *name = fields[0] + strlen("Benchmark");
	for (size_t i = 2; i < nfields; i += 2) {
		struct benchfile_result r = {.line = lineno};

		parse_double(fields[i], &r.value);
		r.name = strdup(name);
		r.unit = strdup(fields[i + 1]);
		if (!r.name || !r.unit) {
			free(r.name);
			free(r.unit);
			return -1;
		}
		bf->results[bf->nresults++] = r;
	}
	bf->nlines++;
	return 0;
}

/* Split line in place on blanks into *fields (grown as needed). */
static int split_fields(char *line, char ***fields, size_t *alloc,
			size_t *nfields)
{
	char *save, *tok;

	*nfields = 0;
	for (tok = strtok_r(line, BLANKS, &save); tok;
	     tok = strtok_r(NULL, BLANKS, &save)) {
		if (grow_array((void **)fields, alloc, *nfields + 1,
			       sizeof **fields) < 0)
			return -1;
		(*fields)[(*nfields)++] = tok;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Reading a stream                                                         */
/* ---------------------------------------------------------------------- */

int benchfile_read(struct benchfile *bf, FILE *in, const char *path,
		   FILE *warn)
{
	char *line = NULL, **fields = NULL;
	size_t cap = 0, fields_alloc = 0, nfields, lineno = 0;
	int rc = 0;

	if (!bf->path && !(bf->path = strdup(path)))
		return -1;
	for (;;) {
		errno = 0;
		ssize_t len = getline(&line, &cap, in);
		if (len < 0) {
			/* EOF, or a read error (EISDIR for a directory) */
			if (ferror(in) || errno == ENOMEM) {
				if (errno == 0)
					errno = EIO;
				rc = -1;
			}
			break;
		}
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';

		char *key, *value;
		if (is_result_line(line)) {
			rc = split_fields(line, &fields, &fields_alloc,
					  &nfields);
			if (rc == 0)
				rc = add_result(bf, fields, nfields, lineno,
						warn);
		} else if (split_config(line, &key, &value)) {
			rc = set_config(bf, key, value);
		}
		if (rc < 0)
			break;
	}
	int saved = errno;
	free(line);
	free(fields);
	errno = saved;
	return rc;
}

int benchfile_load(struct benchfile *bf, const char *path, FILE *warn)
{
	FILE *in = fopen(path, "r");

	if (!in)
		return -1;
	int rc = benchfile_read(bf, in, path, warn);
	int saved = errno;
	fclose(in);
	errno = saved;
	return rc;
}
