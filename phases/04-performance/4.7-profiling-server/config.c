/*
 * config.c - defaults, environment and flags into struct config. See
 * config.h for the table.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define why_set(why, ...) snprintf((why), CONFIG_WHY_MAX, __VA_ARGS__)

const char config_usage[] =
	"usage: server [options]\n"
	"  -a, --addr HOST:PORT        API address (ADDRESS; 127.0.0.1:8080)\n"
	"  -f, --store-file FILE       where metrics are saved (STORE_FILE;\n"
	"                              metrics.json; \"\" saves nothing)\n"
	"  -i, --store-interval SECS   seconds between saves (STORE_INTERVAL;\n"
	"                              10; 0 saves only at shutdown)\n"
	"  -d, --debug-addr HOST:PORT  debug listener on loopback, e.g.\n"
	"                              127.0.0.1:6060 (DEBUG_ADDRESS; off)\n"
	"      --heap-profile          gperftools heap profiler (HEAP_PROFILE=1)\n"
	"  -h, --help                  this text\n"
	"A missing HOST means 127.0.0.1; PORT 0 picks a free port.\n";

void config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
	addr_parse("127.0.0.1:8080", &c->addr, NULL);
	strcpy(c->store_path, "metrics.json");
	c->save_interval = 10;
	addr_parse("127.0.0.1:6060", &c->debug_addr, NULL);
	c->body_limit = 1 << 20;
}

int addr_parse(const char *text, struct sockaddr_in *out, char *why)
{
	char scratch[CONFIG_WHY_MAX];
	char host[64];
	const char *colon = strrchr(text, ':');
	const char *port_text = colon ? colon + 1 : text;
	size_t host_len = colon ? (size_t)(colon - text) : 0;
	char *end;

	if (why == NULL)
		why = scratch;
	memset(out, 0, sizeof *out);
	out->sin_family = AF_INET;
	errno = 0;
	unsigned long port = strtoul(port_text, &end, 10);
	if (port_text[0] < '0' || port_text[0] > '9' || *end != '\0' ||
	    errno != 0 || port > 65535) {
		why_set(why, "\"%.64s\": the port must be a number from 0 to "
			"65535", text);
		return -1;
	}
	out->sin_port = htons((uint16_t)port);
	if (host_len >= sizeof host) {
		why_set(why, "\"%.64s\": host name too long", text);
		return -1;
	}
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (host_len == 0 || strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &out->sin_addr) != 1) {
		why_set(why, "\"%.64s\": the host must be an IPv4 address such "
			"as 127.0.0.1, or localhost", text);
		return -1;
	}
	return 0;
}

void addr_format(const struct sockaddr_in *addr, char *buf, size_t size)
{
	char host[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr->sin_addr, host, sizeof host);
	snprintf(buf, size, "%s:%u", host, ntohs(addr->sin_port));
}

static bool is_loopback(const struct sockaddr_in *addr)
{
	return (ntohl(addr->sin_addr.s_addr) >> 24) == 127;
}

/* The setters shared by flags and variables; `what` names the source in
 * error messages ("--addr" or "ADDRESS"). */

static int set_addr(struct sockaddr_in *dst, const char *what,
		    const char *text, char *why)
{
	char inner[CONFIG_WHY_MAX];

	if (addr_parse(text, dst, inner) != 0) {
		why_set(why, "%s: %.200s", what, inner);
		return -1;
	}
	return 0;
}

static int set_debug_addr(struct config *c, const char *what,
			  const char *text, char *why)
{
	if (text[0] == '\0') {
		c->debug = false;
		return 0;
	}
	if (set_addr(&c->debug_addr, what, text, why) != 0)
		return -1;
	if (!is_loopback(&c->debug_addr)) {
		why_set(why, "%s: \"%.64s\" is not a loopback address: the "
			"debug listener has no authentication, so it stays on "
			"127.0.0.0/8 (use ssh -L to reach it from elsewhere)",
			what, text);
		return -1;
	}
	c->debug = true;
	return 0;
}

static int set_store_path(struct config *c, const char *what,
			  const char *text, char *why)
{
	if (strlen(text) >= sizeof c->store_path - 8) { /* room for .XXXXXX */
		why_set(why, "%s: path too long", what);
		return -1;
	}
	strcpy(c->store_path, text);
	return 0;
}

static int set_interval(struct config *c, const char *what,
			const char *text, char *why)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 ||
	    v > 86400) {
		why_set(why, "%s: \"%.64s\" is not a number of seconds from 0 "
			"to 86400", what, text);
		return -1;
	}
	c->save_interval = (unsigned)v;
	return 0;
}

static int set_bool(bool *dst, const char *what, const char *text,
		    char *why)
{
	if (strcmp(text, "1") == 0 || strcmp(text, "true") == 0) {
		*dst = true;
	} else if (strcmp(text, "0") == 0 || strcmp(text, "false") == 0 ||
		   text[0] == '\0') {
		*dst = false;
	} else {
		why_set(why, "%s: \"%.64s\" is not 1, 0, true or false", what,
			text);
		return -1;
	}
	return 0;
}

int config_from_env(struct config *c, char *why)
{
	const char *v;

	if ((v = getenv("ADDRESS")) && set_addr(&c->addr, "ADDRESS", v, why))
		return -1;
	if ((v = getenv("STORE_FILE")) &&
	    set_store_path(c, "STORE_FILE", v, why))
		return -1;
	if ((v = getenv("STORE_INTERVAL")) &&
	    set_interval(c, "STORE_INTERVAL", v, why))
		return -1;
	if ((v = getenv("DEBUG_ADDRESS")) &&
	    set_debug_addr(c, "DEBUG_ADDRESS", v, why))
		return -1;
	if ((v = getenv("HEAP_PROFILE")) &&
	    set_bool(&c->heap_profile, "HEAP_PROFILE", v, why))
		return -1;
	return 0;
}

int config_from_args(struct config *c, int argc, char **argv, char *why)
{
	static const struct option longs[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "store-file", required_argument, NULL, 'f' },
		{ "store-interval", required_argument, NULL, 'i' },
		{ "debug-addr", required_argument, NULL, 'd' },
		{ "heap-profile", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 0; /* 0, not 1: glibc then re-initialises fully */
	opterr = 0; /* we report errors through why */
	while ((opt = getopt_long(argc, argv, "+a:f:i:d:h", longs, NULL)) != -1) {
		int rc = 0;
		switch (opt) {
		case 'a':
			rc = set_addr(&c->addr, "--addr", optarg, why);
			break;
		case 'f':
			rc = set_store_path(c, "--store-file", optarg, why);
			break;
		case 'i':
			rc = set_interval(c, "--store-interval", optarg, why);
			break;
		case 'd':
			rc = set_debug_addr(c, "--debug-addr", optarg, why);
			break;
		case 'H':
			c->heap_profile = true;
			break;
		case 'h':
			return 1;
		default:
			why_set(why, "unknown flag or missing value: %.64s",
				argv[optind - 1]);
			return -1;
		}
		if (rc != 0)
			return -1;
	}
	if (optind < argc) {
		why_set(why, "unexpected argument: %.64s", argv[optind]);
		return -1;
	}
	return 0;
}
