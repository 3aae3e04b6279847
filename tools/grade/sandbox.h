/*
 * sandbox.h - run learner code so that nothing it does can hurt the grader:
 * crashes, hangs, fork bombs, memory blow-ups and output floods all end as
 * a result with a reason, never as a stuck or dead grader.
 *
 * USAGE
 *
 *     struct sandbox sb;
 *     sandbox_open(&sb, &why);              // once per grading worker
 *     sandbox_give(&sb, workdir);           // it may write here
 *
 *     struct sandbox_limits lim;
 *     sandbox_limits_default(&lim, 10.0);   // 10 s of wall clock
 *     struct sandbox_result res;
 *     sandbox_run(&sb, argv, envp, workdir, &lim, &res);
 *     if (res.outcome != SB_EXITED || res.status != 0)
 *             puts(sandbox_describe(&res, &lim));   // "timed out after 10 s"
 *     sandbox_result_release(&res);
 *     sandbox_close(&sb);
 *
 * HOW IT WORKS
 *
 * Every run is a child in its own process group with rlimits: CPU seconds,
 * file size, no core files, a process count, and an address-space cap
 * unless the caller turns it off (valgrind and the sanitizers reserve
 * terabytes of address space they never touch). The grader reads its
 * stdout and stderr through pipes, keeping the first `keep` bytes of each
 * and killing it beyond `flood` bytes in total. Every 200 ms a watchdog
 * counts the sandbox's processes and their resident memory in /proc and
 * kills everything past `processes` or `resident`; the RSS cap is what
 * stops a blow-up under valgrind, where RLIMIT_AS cannot be used. A wall
 * clock deadline kills a hang. After the run, whatever is left is killed.
 *
 * WHO THE CODE RUNS AS
 *
 * RLIMIT_NPROC does not bind root, and killing a process group misses a
 * child that called setsid(). So when the grader runs as root, learner
 * code runs as a user of its own: a uid from SANDBOX_UID_BASE up (no
 * passwd entry; one slot per concurrent grading worker, held with a lock
 * file under SANDBOX_LOCK_DIR). There, RLIMIT_NPROC does bind, the
 * processes cannot signal or ptrace the grader, and "kill every process of
 * this uid" (kill(-1) from a helper that became that uid) ends even a
 * fork bomb that left its process group. Files it must write (work dirs,
 * a submission's build folder) are chown'ed to it; what it reads (the
 * repository, build outputs) must be world-readable, as a fresh checkout
 * is. Not root, the code runs as the grader's user with RLIMIT_NPROC set to
 * what that user already runs plus the cap, and is killed by process group.
 * HOTPATH_GRADE_SANDBOX=same-user forces that mode as root too.
 *
 * Several uids share one /tmp, where Criterion's runner binds
 * /tmp/criterion_<pid>.sock; a killed runner leaves its file, and a later
 * runner of another uid that gets the same pid cannot remove it (the
 * sticky bit) and aborts. As root, every run starts and ends by removing
 * such files that no live runner can own.
 *
 * The grader becomes a child subreaper (prctl), so orphans of sandboxed
 * programs are reparented to it and reaped, never left as zombies that
 * would count against the next run's process limit.
 */
#ifndef GRADE_SANDBOX_H
#define GRADE_SANDBOX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* First uid of the sandbox users: above the ranges Debian, systemd
 * (DynamicUser, nspawn) and Docker's subuid maps hand out. */
#ifndef SANDBOX_UID_BASE
#define SANDBOX_UID_BASE 2000000000u
#endif
/* How many graders may run sandboxes at once on one machine. */
#ifndef SANDBOX_SLOTS
#define SANDBOX_SLOTS 256
#endif
#ifndef SANDBOX_LOCK_DIR
#define SANDBOX_LOCK_DIR "/tmp/hotpath-grade-sandbox"
#endif

struct sandbox {
	bool drop;    /* run code as uid/gid below (only when root) */
	uid_t uid;
	gid_t gid;
	int lock_fd;  /* holds the uid slot; -1 when not dropping */
};

/*
 * Pick the identity learner code runs as. As root, take a free uid slot
 * and kill anything a crashed earlier grader left running under it. Never
 * fails: when uids cannot be switched (no root, a user namespace, the
 * environment says same-user), it runs code as ourselves and appends a
 * one-line note to `notes` (if not NULL) saying so.
 */
void sandbox_open(struct sandbox *sb, struct text *notes);
void sandbox_close(struct sandbox *sb);
/* Live processes of the sandbox's own uid, or -1 when it has none of its
 * own (same-user mode). 0 after every sandbox_run: nothing outlives one. */
int sandbox_count(const struct sandbox *sb);
/* Let the sandbox user write into dir (chown -R when dropping). */
int sandbox_give(const struct sandbox *sb, const char *dir);
/* A sandbox that runs as the grader itself (for course-owned builds). */
void sandbox_as_grader(struct sandbox *sb);

struct sandbox_limits {
	double wall;         /* seconds of wall clock */
	double cpu;          /* RLIMIT_CPU seconds per process */
	size_t address_space; /* RLIMIT_AS bytes; 0: no cap (valgrind, ASan) */
	size_t resident;     /* resident bytes of all processes together */
	size_t file_size;    /* RLIMIT_FSIZE bytes */
	int processes;       /* processes at once */
	size_t keep;         /* bytes kept of stdout, and of stderr */
	size_t flood;        /* total output that counts as a flood */
};

/* The defaults for a run of learner code with this wall clock:
 * 2 GiB resident and 4 GiB of address space, 64 processes, 64 MiB files,
 * 64 KiB of each stream kept, 8 MiB of output in all. */
void sandbox_limits_default(struct sandbox_limits *lim, double wall);

enum sandbox_outcome {
	SB_EXITED,        /* status is the exit code */
	SB_SIGNALED,      /* status is the signal */
	SB_TIMEOUT,       /* wall clock or CPU limit */
	SB_FLOOD,         /* more than `flood` bytes of output */
	SB_PROCS,         /* more than `processes` processes */
	SB_MEMORY,        /* more than `resident` bytes resident */
	SB_INTERRUPTED,   /* the grader got SIGINT or SIGTERM */
	SB_NOT_STARTED,   /* exec failed: see error */
};

struct sandbox_result {
	enum sandbox_outcome outcome;
	int status;
	double wall;          /* seconds it ran */
	struct text out;      /* first `keep` bytes of stdout */
	struct text err;      /* first `keep` bytes of stderr */
	size_t out_total;     /* bytes written to stdout in all */
	size_t err_total;
	int peak_processes;
	size_t peak_resident;
	char error[512];      /* SB_NOT_STARTED: why */
};

/*
 * Run argv (argv[0] is looked up in envp's PATH) with exactly envp as its
 * environment, in cwd, stdin from /dev/null, under lim. Blocks until it
 * and everything it started are gone. Returns 0 (see res->outcome), or -1
 * if the grader itself could not set it up (pipes, fork), with the reason
 * in res->error. res must be released either way.
 */
int sandbox_run(const struct sandbox *sb, char *const argv[],
		char *const envp[], const char *cwd,
		const struct sandbox_limits *lim, struct sandbox_result *res);

void sandbox_result_release(struct sandbox_result *res);

/* True when it ran to the end and exited 0. */
bool sandbox_ok(const struct sandbox_result *res);

/* One line saying how it ended: "exited with status 2", "crashed: SIGSEGV
 * (Segmentation fault)", "timed out after 10 s", "output flood: ...".
 * Returns a static buffer. */
const char *sandbox_describe(const struct sandbox_result *res,
			     const struct sandbox_limits *lim);

/* "SIGSEGV" for 11; a static string. */
const char *signal_name(int sig);

/*
 * Call once at start, before any sandbox_run: become a child subreaper,
 * ignore SIGPIPE, and catch SIGINT/SIGTERM/SIGHUP into
 * sandbox_interrupted, which kills the running sandbox and tells callers
 * to stop early. sandbox_run reaps every child it finds after a run, so a
 * process that runs sandboxes must have no other children of its own.
 */
extern volatile sig_atomic_t sandbox_interrupted;
void sandbox_setup_process(void);

#endif /* GRADE_SANDBOX_H */
