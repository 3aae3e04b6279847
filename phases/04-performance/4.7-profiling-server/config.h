/*
 * config.h - the server's settings, from defaults, then the environment,
 * then command-line flags (each overrides the one before: the most
 * specific place wins). Given code: read, don't edit.
 *
 *   flag                  variable         default
 *   -a, --addr HOST:PORT  ADDRESS          127.0.0.1:8080   the API
 *   -f, --store-file F    STORE_FILE       metrics.json     "" = no file
 *   -i, --store-interval S STORE_INTERVAL  10               seconds between
 *                                                           saves; 0 = only
 *                                                           at shutdown
 *   -d, --debug-addr H:P  DEBUG_ADDRESS    "" (off)         the debug
 *                                                           listener
 *   --heap-profile        HEAP_PROFILE=1   off              gperftools heap
 *                                                           profiler
 *
 * ADDRESSES
 *
 * "HOST:PORT", ":PORT" or "PORT"; HOST is a dotted IPv4 address or
 * "localhost", and a missing HOST means 127.0.0.1, so nothing listens
 * beyond this machine unless you say so (0.0.0.0:8080). PORT 0 asks the
 * kernel for any free port (the tests do; the server prints what it got).
 *
 * The debug address must be on loopback (127.0.0.0/8): the debug listener
 * has no authentication and hands out memory maps, function addresses and
 * CPU time (see README.md, "Profiling a live server"). To reach it from
 * another machine, forward the port: ssh -L 6060:127.0.0.1:6060 host.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define CONFIG_WHY_MAX 256 /* size of every `why` buffer */

struct config {
	struct sockaddr_in addr;       /* where the API listens */
	char store_path[PATH_MAX];     /* "" = keep nothing */
	unsigned save_interval;        /* seconds; 0 = only at shutdown */
	bool debug;                    /* start the debug listener */
	struct sockaddr_in debug_addr; /* where it listens (loopback) */
	bool heap_profile;             /* start gperftools' heap profiler */
	size_t body_limit;             /* largest request body, inflated */
};

/* The defaults of the table above; body_limit is 1 MiB. */
void config_init(struct config *c);

/* Apply the environment variables that are set. Returns 0, or -1 with
 * a reason in why naming the variable. */
int config_from_env(struct config *c, char *why);

/*
 * Apply the flags (getopt_long; argv[0] is the program). Returns 0; 1
 * when --help was asked for (print config_usage and exit 0); -1 with a
 * reason in why for a bad flag or value.
 */
int config_from_args(struct config *c, int argc, char **argv, char *why);

/* The flags table, for --help and for errors. */
extern const char config_usage[];

/* Parse an address as described above. Returns 0, or -1 with why. */
int addr_parse(const char *text, struct sockaddr_in *out, char *why);

/* "127.0.0.1:8080" into buf (at least 22 bytes). */
void addr_format(const struct sockaddr_in *addr, char *buf, size_t size);

#endif /* CONFIG_H */
