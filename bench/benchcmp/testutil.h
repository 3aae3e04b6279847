/*
 * testutil.h - helpers shared by benchcmp's Criterion tests: scratch
 * directories with small input files, and the path of testdata/.
 * Test code only; nothing here is linked into the tool.
 */
#ifndef BENCHCMP_TESTUTIL_H
#define BENCHCMP_TESTUTIL_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where old.txt, new.txt and expected.txt live, relative to the directory
 * the tests run from (the repository root, as `make test` does). */
#ifndef BENCHCMP_TESTDATA
#define BENCHCMP_TESTDATA "bench/benchcmp/testdata"
#endif

/* A fresh directory under $TMPDIR (or /tmp); path written into dir. */
static inline void make_scratch_dir(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/benchcmp-test-XXXXXX", tmp ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp(%s) failed", dir);
}

/* Write text to dir/name; the full path goes into path. */
static inline void write_scratch_file(char *path, size_t size,
				      const char *dir, const char *name,
				      const char *text)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot create %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "cannot write %s", path);
}

/* Remove dir and the plain files in it. */
static inline void remove_scratch_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

#endif /* BENCHCMP_TESTUTIL_H */
