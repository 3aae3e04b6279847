/*
 * submission_test.c - finding learner files in every shape a submission
 * comes in, and never taking a test, a symlink or an ambiguous file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "submission.h"

static struct catalogue cat;
static char root[256];

static const char *const catalogue_json =
	"{\"course\": \"t\", \"exercises\": ["
	"{\"id\": \"4.5\", \"title\": \"S\", \"folder\": \"phases/04-p/4.5-strbuf\","
	" \"edits\": [\"strbuf.c\"], \"needs\": [], \"hints\": [\"h\"],"
	" \"parts\": [{\"name\": \"tests\", \"kind\": \"tests\", \"points\": 1,"
	" \"hint\": 1, \"about\": \"a\"}]},"
	"{\"id\": \"4.6\", \"title\": \"J\", \"folder\": \"phases/04-p/4.6-json\","
	" \"edits\": [\"json.c\", \"notes.md\"], \"needs\": [\"4.5\"], \"hints\": [\"h\"],"
	" \"parts\": [{\"name\": \"tests\", \"kind\": \"tests\", \"points\": 1,"
	" \"hint\": 1, \"about\": \"a\"}]},"
	"{\"id\": \"4.9\", \"title\": \"D\", \"folder\": \"phases/04-p/4.9-dup\","
	" \"edits\": [\"notes.md\"], \"needs\": [], \"hints\": [\"h\"],"
	" \"parts\": [{\"name\": \"tests\", \"kind\": \"tests\", \"points\": 1,"
	" \"hint\": 1, \"about\": \"a\"}]}]}";

static void setup(void)
{
	struct text errors = TEXT_INIT;

	cr_assert_eq(catalogue_parse(&cat, catalogue_json, "t", &errors), 0, "%s",
		     text_str(&errors));
	text_release(&errors);
	snprintf(root, sizeof root, "/tmp/grade-submission-test-%ld", (long)getpid());
	rm_rf(root);
	mkdir_p(root, 0755);
}

static void teardown(void)
{
	rm_rf(root);
	catalogue_free(&cat);
}

static void put(const char *rel, const char *content)
{
	char *path = path_join(root, rel);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir, 0755);
	cr_assert_eq(write_file(path, content, strlen(content)), 0);
	free(dir);
	free(path);
}

static struct submission *discover(const char *rel, size_t *n, bool *batch)
{
	struct submission *subs;
	struct text why = TEXT_INIT;
	char *dir = path_join(root, rel);

	cr_assert_eq(submission_discover(&cat, dir, &subs, n, batch, &why), 0,
		     "%s", text_str(&why));
	text_release(&why);
	free(dir);
	return subs;
}

TestSuite(submission, .init = setup, .fini = teardown);

Test(submission, just_the_files)
{
	size_t n;
	bool batch;
	put("ann/strbuf.c", "a");
	put("ann/strbuf_test.c", "cheat");
	struct submission *s = discover("ann", &n, &batch);

	cr_assert_eq(n, 1);
	cr_assert_not(batch);
	cr_assert_str_eq(s[0].shape, "flat");
	cr_assert_eq(s[0].n_files, 1, "only strbuf.c, never the test");
	cr_assert_str_eq(s[0].files[0].edit, "strbuf.c");
	cr_assert(submission_has(&s[0], &cat.exercises[0]));
	cr_assert_not(submission_has(&s[0], &cat.exercises[1]));
	submissions_free(s, n);
}

Test(submission, a_folder_per_exercise_by_name_or_id)
{
	size_t n;
	bool batch;
	put("bob/4.5-strbuf/strbuf.c", "a");
	put("bob/4.6/json.c", "b");
	struct submission *s = discover("bob", &n, &batch);

	cr_assert_eq(n, 1);
	cr_assert_str_eq(s[0].shape, "per exercise");
	cr_assert_eq(s[0].n_files, 2);
	submissions_free(s, n);
}

Test(submission, a_copy_of_the_repository)
{
	size_t n;
	bool batch;
	put("cid/phases/04-p/4.5-strbuf/strbuf.c", "a");
	put("cid/phases/04-p/4.5-strbuf/strbuf_test.c", "cheat");
	put("cid/solutions/04-p/4.5-strbuf/strbuf.c", "not this one");
	struct submission *s = discover("cid", &n, &batch);

	cr_assert_str_eq(s[0].shape, "repository");
	cr_assert_eq(s[0].n_files, 1);
	cr_assert(strstr(s[0].files[0].path, "/phases/04-p/4.5-strbuf/strbuf.c"));
	submissions_free(s, n);
}

Test(submission, a_folder_of_submissions_is_a_batch)
{
	size_t n;
	bool batch;
	put("class/ann/strbuf.c", "a");
	put("class/bob/4.5-strbuf/strbuf.c", "b");
	mkdir_p("/tmp", 0755);
	char *empty = path_join(root, "class/dan");
	mkdir_p(empty, 0755);
	free(empty);
	struct submission *s = discover("class", &n, &batch);

	cr_assert(batch);
	cr_assert_eq(n, 3, "ann, bob and dan (who handed in nothing)");
	cr_assert_str_eq(s[0].name, "ann");
	cr_assert_str_eq(s[2].name, "dan");
	cr_assert_eq(s[2].n_files, 0);
	cr_assert_str_eq(s[2].problems.v[0], "no learner files found");
	submissions_free(s, n);
}

Test(submission, symlinks_and_ambiguous_names_are_problems)
{
	size_t n;
	bool batch;
	put("eve/notes.md", "which exercise?");
	char *link = path_join(root, "eve/strbuf.c");
	cr_assert_eq(symlink("/etc/passwd", link), 0);
	free(link);
	struct submission *s = discover("eve", &n, &batch);

	cr_assert_eq(s[0].n_files, 0);
	struct text all = TEXT_INIT;
	for (size_t i = 0; i < s[0].problems.n; i++)
		text_printf(&all, "%s\n", s[0].problems.v[i]);
	cr_assert(strstr(text_str(&all), "is a symbolic link"), "%s", text_str(&all));
	cr_assert(strstr(text_str(&all), "notes.md could be 4.6's or 4.9's"), "%s",
		  text_str(&all));
	text_release(&all);
	submissions_free(s, n);
}

Test(submission, nothing_to_grade_is_an_error)
{
	struct submission *subs;
	size_t n;
	bool batch;
	struct text why = TEXT_INIT;
	put("empty/readme.txt", "hello");
	char *dir = path_join(root, "empty");

	cr_assert_eq(submission_discover(&cat, dir, &subs, &n, &batch, &why), -1);
	cr_assert(strstr(text_str(&why), "no learner files"), "%s", text_str(&why));
	text_release(&why);
	free(dir);
}

Test(submission, staging_builds_an_overlay_tree)
{
	size_t n;
	bool batch;
	put("fay/strbuf.c", "int x;\n");
	struct submission *s = discover("fay", &n, &batch);
	char *overlay = path_join(root, "overlay");
	struct text why = TEXT_INIT;

	cr_assert_eq(submission_stage(&s[0], overlay, &why), 0, "%s", text_str(&why));
	char *staged = path_join(overlay, "04-p/4.5-strbuf/strbuf.c");
	char *content = read_file(staged, 100, NULL);
	cr_assert_str_eq(content, "int x;\n");
	free(content);
	free(staged);
	free(overlay);
	text_release(&why);
	submissions_free(s, n);
}
