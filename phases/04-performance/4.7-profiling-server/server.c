/*
 * server.c - the metrics server's main(): settings from flags and the
 * environment (config.h), then app_start(), then wait for SIGINT or
 * SIGTERM and stop cleanly, saving the store. Given code: read, don't
 * edit.
 *
 *     ./server --debug-addr 127.0.0.1:6060
 *     google-pprof --text ./server http://127.0.0.1:6060/debug/pprof/profile?seconds=5
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "heapprof.h"

/*
 * --heap-profile needs tcmalloc as the process's malloc, and the dynamic
 * linker picks malloc when the program loads: too late to change from
 * main(). So we start again with LD_PRELOAD naming tcmalloc. The
 * HEAP_PROFILE_*_INTERVAL variables are read by tcmalloc as it loads,
 * which is why they too must be in the environment before exec: set to
 * 0, they stop it writing a dump file per gigabyte allocated.
 */
static void reexec_with_tcmalloc(char **argv)
{
	const char *old = getenv("LD_PRELOAD");
	char preload[4096];

	if (getenv("HOTPATH_TCMALLOC_LOADED") != NULL) {
		fprintf(stderr, "server: --heap-profile needs tcmalloc "
			"(libtcmalloc.so.4, Debian package libgoogle-perftools4)"
			", and it did not load%s\n",
			getenv("ASAN_OPTIONS") || old ? "; sanitizer builds "
			"cannot use it" : "");
		exit(1);
	}
	snprintf(preload, sizeof preload, "libtcmalloc.so.4%s%s",
		 old ? " " : "", old ? old : "");
	setenv("LD_PRELOAD", preload, 1);
	setenv("HEAP_PROFILE_ALLOCATION_INTERVAL", "0", 0);
	setenv("HEAP_PROFILE_INUSE_INTERVAL", "0", 0);
	setenv("HOTPATH_TCMALLOC_LOADED", "1", 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "server: restarting with tcmalloc: %s\n",
		strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	struct config cfg;
	char why[CONFIG_WHY_MAX], where[32];
	struct app *app;
	sigset_t stop;
	int rc, sig;

	config_init(&cfg);
	if (config_from_env(&cfg, why) != 0) {
		fprintf(stderr, "server: %s\n", why);
		return 2;
	}
	rc = config_from_args(&cfg, argc, argv, why);
	if (rc == 1) {
		fputs(config_usage, stdout);
		return 0;
	}
	if (rc != 0) {
		fprintf(stderr, "server: %s\n%s", why, config_usage);
		return 2;
	}
	if (cfg.heap_profile && !heapprof_available())
		reexec_with_tcmalloc(argv);

	/*
	 * Block SIGINT and SIGTERM before any thread exists, so every thread
	 * inherits the mask and only sigwait() below receives them. Not
	 * pause(): the CPU profiler's SIGPROF would wake it (and end the
	 * server) as soon as a profile starts. sigwait() sleeps through
	 * other signals. SIGPIPE: a client that hangs up mid-response must
	 * cost an EPIPE, not the process.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (app_start(&app, &cfg, why) != 0) {
		fprintf(stderr, "server: %s\n", why);
		return 1;
	}
	addr_format(&cfg.addr, where, sizeof where);
	*strrchr(where, ':') = '\0';
	fprintf(stderr, "server: metrics API on http://%s:%u/\n", where,
		app_port(app));
	if (cfg.debug) {
		addr_format(&cfg.debug_addr, where, sizeof where);
		*strrchr(where, ':') = '\0';
		fprintf(stderr, "server: debug listener on http://%s:%u/debug/"
			"pprof/\n", where, app_debug_port(app));
	}
	if (cfg.store_path[0] != '\0')
		fprintf(stderr, "server: saving to %s every %u s and at exit\n",
			cfg.store_path, cfg.save_interval);

	sigwait(&stop, &sig);
	fprintf(stderr, "server: %s: saving and stopping\n", strsignal(sig));
	if (app_stop(app, why) != 0) {
		fprintf(stderr, "server: %s\n", why);
		return 1;
	}
	return 0;
}
