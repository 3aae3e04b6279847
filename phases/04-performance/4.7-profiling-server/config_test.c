/*
 * config_test.c - settings from defaults, environment and flags, in that
 * order of precedence, and the refusals (config.h). Suite "config" (given
 * code: `make test` runs it, the grade does not).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static const char *const vars[] = { "ADDRESS", "STORE_FILE", "STORE_INTERVAL",
				    "DEBUG_ADDRESS", "HEAP_PROFILE" };

static void clean_env(void)
{
	for (int i = 0; i < 5; i++)
		unsetenv(vars[i]);
}

TestSuite(config, .init = clean_env);

static const char *fmt(const struct sockaddr_in *a)
{
	static char buf[2][32];
	static int which;

	which ^= 1;
	addr_format(a, buf[which], sizeof buf[which]);
	return buf[which];
}

Test(config, defaults_keep_everything_on_loopback_and_debug_off)
{
	struct config c;

	config_init(&c);
	cr_assert_str_eq(fmt(&c.addr), "127.0.0.1:8080");
	cr_assert_str_eq(c.store_path, "metrics.json");
	cr_assert_eq(c.save_interval, 10);
	cr_assert(!c.debug, "the debug listener is off unless asked for");
	cr_assert(!c.heap_profile);
}

Test(config, flags_override_the_environment)
{
	struct config c;
	char why[CONFIG_WHY_MAX];
	char *argv[] = { "server", "-a", ":9000", "--debug-addr", "6061",
			 "-i", "0", NULL };

	setenv("ADDRESS", "0.0.0.0:7000", 1);
	setenv("STORE_FILE", "/tmp/x.json", 1);
	setenv("DEBUG_ADDRESS", "127.0.0.2:6060", 1);
	setenv("HEAP_PROFILE", "1", 1);
	config_init(&c);
	cr_assert_eq(config_from_env(&c, why), 0, "%s", why);
	cr_assert_str_eq(fmt(&c.addr), "0.0.0.0:7000");
	cr_assert_str_eq(fmt(&c.debug_addr), "127.0.0.2:6060");
	cr_assert(c.debug && c.heap_profile);
	cr_assert_eq(config_from_args(&c, 7, argv, why), 0, "%s", why);
	cr_assert_str_eq(fmt(&c.addr), "127.0.0.1:9000", "a bare :PORT is loopback");
	cr_assert_str_eq(fmt(&c.debug_addr), "127.0.0.1:6061");
	cr_assert_str_eq(c.store_path, "/tmp/x.json", "no flag: the variable stays");
	cr_assert_eq(c.save_interval, 0);
}

Test(config, an_empty_debug_address_turns_the_listener_off)
{
	struct config c;
	char why[CONFIG_WHY_MAX];
	char *argv[] = { "server", "--debug-addr", "", NULL };

	setenv("DEBUG_ADDRESS", "localhost:6060", 1);
	config_init(&c);
	cr_assert_eq(config_from_env(&c, why), 0, "%s", why);
	cr_assert(c.debug);
	cr_assert_eq(config_from_args(&c, 3, argv, why), 0, "%s", why);
	cr_assert(!c.debug);
}

Test(config, bad_values_are_refused_with_reasons)
{
	static const char *const bad[][2] = {
		{ "-a", "127.0.0.1:65536" }, { "-a", "127.0.0.1:" },
		{ "-a", "example.com:80" },  { "-a", "1.2.3:80" },
		{ "-i", "-1" },              { "-i", "ten" },
		{ "-i", "100000" },          { "--debug-addr", "0.0.0.0:6060" },
		{ "--debug-addr", "10.0.0.5:6060" }, { "--nonsense", "1" },
	};
	char why[CONFIG_WHY_MAX];
	struct config c;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = { "server", (char *)bad[i][0], (char *)bad[i][1],
				 NULL };
		config_init(&c);
		why[0] = '\0';
		cr_assert_eq(config_from_args(&c, 3, argv, why), -1,
			     "%s %s was accepted", bad[i][0], bad[i][1]);
		cr_assert_gt(strlen(why), 10, "no reason for %s %s", bad[i][0],
			     bad[i][1]);
	}
	setenv("STORE_INTERVAL", "soon", 1);
	config_init(&c);
	cr_assert_eq(config_from_env(&c, why), -1);
	cr_assert(strstr(why, "STORE_INTERVAL") != NULL,
		  "the reason must name the variable: %s", why);
}

Test(config, help_is_not_an_error)
{
	struct config c;
	char why[CONFIG_WHY_MAX];
	char *argv[] = { "server", "--help", NULL };

	config_init(&c);
	cr_assert_eq(config_from_args(&c, 2, argv, why), 1);
}
