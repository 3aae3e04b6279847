/*
 * sandbox.c - run one program under limits, capture its output, and kill
 * it and everything it started when it misbehaves (see sandbox.h).
 */
#include "sandbox.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* How often the watchdog counts processes and memory, and when it starts:
 * most runs (one test) are over before the first count, which saves
 * scanning /proc for them. A fork bomb cannot outrun it: RLIMIT_NPROC
 * stops it at 4 x `processes` tasks until it is killed. */
#define CENSUS_INTERVAL 0.2
#define CENSUS_FIRST 0.25

volatile sig_atomic_t sandbox_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	sandbox_interrupted = 1;
}

void sandbox_setup_process(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() must return so the loop sees the flag. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* ---- Counting the sandbox's processes ------------------------------------ */

struct census {
	int processes;   /* live (not zombie) processes */
	long tasks;      /* their threads */
	size_t resident; /* bytes */
};

/*
 * Count live processes that belong to the sandbox: every process of its
 * uid when it has one, else the members of process group `pgid`. With
 * pgid 0 and no uid of its own, count the grader user's own processes.
 */
static void take_census(const struct sandbox *sb, pid_t pgid, struct census *c)
{
	static long page;
	DIR *dir = opendir("/proc");
	struct dirent *e;

	memset(c, 0, sizeof *c);
	if (page == 0)
		page = sysconf(_SC_PAGESIZE);
	if (dir == NULL)
		return;
	while ((e = readdir(dir)) != NULL) {
		char path[300], buf[1024];
		struct stat st;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s", e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (sb->drop && st.st_uid != sb->uid)
			continue;
		if (!sb->drop && pgid == 0 && st.st_uid != getuid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* The command name may hold spaces and parentheses: fields
		 * are counted from the last ')'. */
		char *rest = strrchr(buf, ')');
		char state;
		int ppid, pgrp;
		long threads, rss;
		if (rest == NULL ||
		    sscanf(rest + 2, "%c %d %d %*d %*d %*d %*u %*u %*u %*u %*u "
			   "%*u %*u %*d %*d %*d %*d %ld %*d %*u %*u %ld",
			   &state, &ppid, &pgrp, &threads, &rss) != 5)
			continue;
		if (!sb->drop && pgid != 0 && pgrp != pgid)
			continue;
		if (state == 'Z' || state == 'X')
			continue;
		c->processes++;
		c->tasks += threads;
		c->resident += (size_t)(rss > 0 ? rss : 0) * (size_t)page;
	}
	closedir(dir);
}

static void reap_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Kill every process of the sandbox's uid. A helper becomes that uid and
 * calls kill(-1, SIGKILL), which reaches exactly the processes it may
 * signal: those of its own uid, wherever they are in the process tree.
 * Processes forked while it runs are caught by the next round.
 */
static void kill_uid(const struct sandbox *sb)
{
	for (int round = 0; round < 200; round++) {
		pid_t helper = fork();
		if (helper == 0) {
			if (setgroups(0, NULL) != 0 || setgid(sb->gid) != 0 ||
			    setuid(sb->uid) != 0)
				_exit(2);
			for (int i = 0; i < 1000; i++)
				if (kill(-1, SIGKILL) != 0)
					_exit(0); /* ESRCH: nobody left */
			_exit(1);          /* only zombies answer */
		}
		if (helper > 0)
			waitpid(helper, NULL, 0);
		reap_children();
		struct census c;
		take_census(sb, 0, &c);
		if (c.processes == 0)
			return;
		usleep(5000);
	}
}

static void kill_all(const struct sandbox *sb, pid_t pgid)
{
	if (pgid > 0)
		kill(-pgid, SIGKILL);
	if (sb->drop)
		kill_uid(sb);
}

/*
 * Criterion's runner listens on ipc:///tmp/criterion_<pid>.sock, a fixed
 * path in the shared /tmp. A runner that is killed (a timeout, the
 * sandbox's clean-up) leaves its socket file behind. Pids wrap (32768 by
 * default), and when a later runner of another uid gets the same pid, /tmp's
 * sticky bit forbids it to remove the stale file, its bind fails and
 * Criterion aborts: the test "crashes" for no fault of its own. So before
 * and after every run, a root grader removes each such file that no live
 * runner can own: its pid is dead, or belongs to another uid than the
 * file's.
 */
static void sweep_criterion_sockets(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		unsigned long long pid;
		char tail[8];
		if (sscanf(e->d_name, "criterion_%llu%7s", &pid, tail) != 2 ||
		    strcmp(tail, ".sock") != 0)
			continue;
		char path[300], proc[64];
		struct stat sock, owner;
		snprintf(path, sizeof path, "/tmp/%s", e->d_name);
		snprintf(proc, sizeof proc, "/proc/%llu", pid);
		if (lstat(path, &sock) != 0 || !S_ISSOCK(sock.st_mode))
			continue;
		if (stat(proc, &owner) == 0 && owner.st_uid == sock.st_uid)
			continue; /* perhaps a live runner's */
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* ---- Choosing who runs the code ------------------------------------------- */

void sandbox_as_grader(struct sandbox *sb)
{
	sb->drop = false;
	sb->uid = getuid();
	sb->gid = getgid();
	sb->lock_fd = -1;
}

/* Whether this process can become uid (it cannot in some user namespaces). */
static bool can_switch_to(uid_t uid)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(setgroups(0, NULL) == 0 && setgid(uid) == 0 &&
		      setuid(uid) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void sandbox_open(struct sandbox *sb, struct text *notes)
{
	const char *mode = getenv("HOTPATH_GRADE_SANDBOX");
	struct stat st;

	sandbox_as_grader(sb);
	if (geteuid() != 0)
		return; /* the usual learner: runs as themselves, see sandbox.h */
	if (mode && strcmp(mode, "same-user") == 0) {
		if (notes)
			text_puts(notes, "sandbox: HOTPATH_GRADE_SANDBOX=same-user: "
				  "learner code runs as root, limited by process "
				  "group only\n");
		return;
	}
	/* The lock dir lives in /tmp: make sure nobody else made it. */
	if (mkdir(SANDBOX_LOCK_DIR, 0700) != 0 && errno != EEXIST)
		goto fallback;
	if (lstat(SANDBOX_LOCK_DIR, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 077))
		goto fallback;
	for (unsigned slot = 0; slot < SANDBOX_SLOTS; slot++) {
		char path[300];
		uid_t uid = (uid_t)(SANDBOX_UID_BASE + slot);

		snprintf(path, sizeof path, "%s/slot-%u.lock", SANDBOX_LOCK_DIR, slot);
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) != 0 || getpwuid(uid) != NULL) {
			close(fd);
			continue;
		}
		if (!can_switch_to(uid)) {
			close(fd);
			goto fallback;
		}
		sb->drop = true;
		sb->uid = uid;
		sb->gid = (gid_t)uid;
		sb->lock_fd = fd;
		kill_uid(sb); /* left over from a grader that died */
		return;
	}
fallback:
	if (notes)
		text_printf(notes, "sandbox: cannot run learner code as a user of "
			    "its own (%s); it runs as root, limited by process "
			    "group only\n", SANDBOX_LOCK_DIR);
}

void sandbox_close(struct sandbox *sb)
{
	if (sb->drop)
		kill_uid(sb);
	if (sb->lock_fd >= 0)
		close(sb->lock_fd);
	sandbox_as_grader(sb);
}

int sandbox_count(const struct sandbox *sb)
{
	struct census c;

	if (!sb->drop)
		return -1;
	take_census(sb, 0, &c);
	return c.processes;
}

int sandbox_give(const struct sandbox *sb, const char *dir)
{
	if (!sb->drop)
		return 0;
	return chown_r(dir, sb->uid, sb->gid);
}

void sandbox_limits_default(struct sandbox_limits *lim, double wall)
{
	lim->wall = wall;
	/* A backstop for when the grader itself dies: the wall clock is
	 * the real limit, and a run may keep every CPU busy. */
	lim->cpu = wall * ncpus() + 5;
	lim->address_space = (size_t)4 << 30;
	lim->resident = (size_t)2 << 30;
	lim->file_size = (size_t)64 << 20;
	lim->processes = 64;
	lim->keep = (size_t)64 << 10;
	lim->flood = (size_t)8 << 20;
}

/* ---- The child ------------------------------------------------------------ */

static void set_limit(int resource, rlim_t value)
{
	struct rlimit rl = {value, value};

	setrlimit(resource, &rl);
}

static void child_fail(int errfd, const char *what)
{
	char msg[200];
	int saved = errno;

	snprintf(msg, sizeof msg, "%s: %s", what, strerror(saved));
	if (write(errfd, msg, strlen(msg)) < 0)
		_exit(126);
	_exit(127);
}

/* In the child: become the sandboxed program. Never returns. */
static void child(const struct sandbox *sb, char *const argv[],
		  char *const envp[], const char *cwd,
		  const struct sandbox_limits *lim, int out, int err, int errfd,
		  long user_tasks)
{
	sigset_t none;
	int devnull;

	setpgid(0, 0);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		child_fail(errfd, "redirecting stdin/stdout/stderr");
	/* Nothing of the grader's may leak into the program, except errfd
	 * until exec (it is close-on-exec already). */
	if (errfd > 3)
		close_range(3, (unsigned)errfd - 1, 0);
	close_range((unsigned)errfd + 1, ~0u, 0);
	if (cwd && chdir(cwd) != 0)
		child_fail(errfd, cwd);
	umask(022);

	set_limit(RLIMIT_CORE, 0);
	set_limit(RLIMIT_CPU, (rlim_t)(lim->cpu + 0.999));
	set_limit(RLIMIT_FSIZE, (rlim_t)lim->file_size);
	if (lim->address_space)
		set_limit(RLIMIT_AS, (rlim_t)lim->address_space);
	/* RLIMIT_NPROC counts every task of the real uid: the sandbox uid
	 * has nothing else running; our own user has user_tasks already. */
	set_limit(RLIMIT_NPROC, (rlim_t)(user_tasks + 4L * lim->processes));

	if (sb->drop) {
		if (setgroups(0, NULL) != 0 || setgid(sb->gid) != 0 ||
		    setuid(sb->uid) != 0)
			child_fail(errfd, "switching to the sandbox user");
		if (getuid() != sb->uid || geteuid() != sb->uid)
			child_fail(errfd, "switching to the sandbox user");
	}
	/* No setuid binary may give it privileges back; and if the grader
	 * dies, so does the program (set after setuid, which clears it). */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

	environ = (char **)envp;
	execvp(argv[0], argv);
	child_fail(errfd, argv[0]);
}

/* ---- Running --------------------------------------------------------------- */

static void capture(int *fd, struct text *keep, size_t *total,
		    const struct sandbox_limits *lim)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof buf);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	*total += (size_t)n;
	if (keep->len < lim->keep) {
		size_t room = lim->keep - keep->len;
		text_add(keep, buf, (size_t)n < room ? (size_t)n : room);
	}
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

int sandbox_run(const struct sandbox *sb, char *const argv[],
		char *const envp[], const char *cwd,
		const struct sandbox_limits *lim, struct sandbox_result *res)
{
	int out[2], err[2], errp[2];
	long user_tasks = 0;

	memset(res, 0, sizeof *res);
	if (sb->drop)
		sweep_criterion_sockets();
	if (!sb->drop) {
		struct census c;
		take_census(sb, 0, &c);
		user_tasks = c.tasks;
	}
	if (pipe2(out, O_CLOEXEC) != 0)
		goto setup_failed;
	if (pipe2(err, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		goto setup_failed;
	}
	if (pipe2(errp, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		goto setup_failed;
	}

	double start = now_monotonic();
	pid_t pid = fork();
	if (pid == 0)
		child(sb, argv, envp, cwd, lim, out[1], err[1], errp[1], user_tasks);
	close(out[1]);
	close(err[1]);
	close(errp[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		close(errp[0]);
		goto setup_failed;
	}
	setpgid(pid, pid); /* also here: no window where a kill misses it */

	/* The child reports a failed exec through errp; a successful exec
	 * closes it (close-on-exec) and we read EOF. */
	ssize_t n;
	while ((n = read(errp[0], res->error, sizeof res->error - 1)) < 0 &&
	       errno == EINTR)
		;
	close(errp[0]);
	if (n > 0) {
		res->error[n] = '\0';
		/* As its own uid, the program cannot reach a private folder
		 * (a home directory with mode 700): say what to do. */
		if (sb->drop && strstr(res->error, "Permission denied"))
			snprintf(res->error + n, sizeof res->error - (size_t)n,
				 " (the sandbox user %u cannot reach it: make the "
				 "folders above it searchable, chmod o+x, or set "
				 "HOTPATH_GRADE_SANDBOX=same-user)", (unsigned)sb->uid);
		res->outcome = SB_NOT_STARTED;
		waitpid(pid, NULL, 0);
		close(out[0]);
		close(err[0]);
		return 0;
	}

	int pidfd = open_pidfd(pid);
	int ofd = out[0], efd = err[0];
	double deadline = start + lim->wall, next_census = start + CENSUS_FIRST;
	enum sandbox_outcome reason = SB_EXITED;
	bool exited = false;
	int status = 0;

	while (!exited) {
		struct pollfd fds[3];
		int nfds = 0, pidfd_at = -1;
		double now = now_monotonic();
		double wake = deadline < next_census ? deadline : next_census;
		int timeout = (int)((wake - now) * 1000) + 1;

		if (timeout < 0)
			timeout = 0;
		if (ofd >= 0)
			fds[nfds++] = (struct pollfd){ofd, POLLIN, 0};
		if (efd >= 0)
			fds[nfds++] = (struct pollfd){efd, POLLIN, 0};
		if (pidfd >= 0) {
			pidfd_at = nfds;
			fds[nfds++] = (struct pollfd){pidfd, POLLIN, 0};
		}
		poll(fds, (nfds_t)nfds, timeout);
		for (int i = 0; i < nfds; i++) {
			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (fds[i].fd == ofd)
				capture(&ofd, &res->out, &res->out_total, lim);
			else if (fds[i].fd == efd)
				capture(&efd, &res->err, &res->err_total, lim);
		}
		if (res->out_total + res->err_total > lim->flood) {
			reason = SB_FLOOD;
			break;
		}
		if (pidfd < 0 || (pidfd_at >= 0 && fds[pidfd_at].revents)) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				exited = true;
				break;
			}
		}
		now = now_monotonic();
		if (sandbox_interrupted) {
			reason = SB_INTERRUPTED;
			break;
		}
		if (now >= deadline) {
			reason = SB_TIMEOUT;
			break;
		}
		if (now >= next_census) {
			struct census c;
			take_census(sb, pid, &c);
			if (c.processes > res->peak_processes)
				res->peak_processes = c.processes;
			if (c.resident > res->peak_resident)
				res->peak_resident = c.resident;
			if (c.processes > lim->processes) {
				reason = SB_PROCS;
				break;
			}
			if (c.resident > lim->resident) {
				reason = SB_MEMORY;
				break;
			}
			next_census = now + CENSUS_INTERVAL;
		}
	}

	/* Whatever it started is not allowed to outlive it. */
	kill_all(sb, pid);
	if (sb->drop)
		sweep_criterion_sockets();
	if (!exited)
		waitpid(pid, &status, 0);
	res->wall = now_monotonic() - start;
	if (pidfd >= 0)
		close(pidfd);

	/* Everything that held the pipes is dead: read to EOF, briefly (a
	 * process outside our reach may still hold one, same-user mode). */
	double drain_end = now_monotonic() + 0.5;
	while ((ofd >= 0 || efd >= 0) && now_monotonic() < drain_end) {
		struct pollfd fds[2];
		int nfds = 0;
		if (ofd >= 0)
			fds[nfds++] = (struct pollfd){ofd, POLLIN, 0};
		if (efd >= 0)
			fds[nfds++] = (struct pollfd){efd, POLLIN, 0};
		if (poll(fds, (nfds_t)nfds, 50) <= 0)
			continue;
		for (int i = 0; i < nfds; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == ofd)
				capture(&ofd, &res->out, &res->out_total, lim);
			else
				capture(&efd, &res->err, &res->err_total, lim);
		}
		if (res->out_total + res->err_total > lim->flood && reason == SB_EXITED)
			reason = SB_FLOOD;
	}
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	reap_children();

	if (reason != SB_EXITED) {
		res->outcome = reason;
	} else if (WIFSIGNALED(status)) {
		res->status = WTERMSIG(status);
		res->outcome = res->status == SIGXCPU ? SB_TIMEOUT : SB_SIGNALED;
	} else {
		res->outcome = SB_EXITED;
		res->status = WEXITSTATUS(status);
	}
	return 0;

setup_failed:
	snprintf(res->error, sizeof res->error, "cannot start %s: %s", argv[0],
		 strerror(errno));
	res->outcome = SB_NOT_STARTED;
	return -1;
}

void sandbox_result_release(struct sandbox_result *res)
{
	text_release(&res->out);
	text_release(&res->err);
}

bool sandbox_ok(const struct sandbox_result *res)
{
	return res->outcome == SB_EXITED && res->status == 0;
}

const char *signal_name(int sig)
{
	const char *abbrev = sigabbrev_np(sig);
	static char buf[32];

	if (abbrev == NULL) {
		snprintf(buf, sizeof buf, "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof buf, "SIG%s", abbrev);
	return buf;
}

const char *sandbox_describe(const struct sandbox_result *res,
			     const struct sandbox_limits *lim)
{
	static char buf[640];

	switch (res->outcome) {
	case SB_EXITED:
		snprintf(buf, sizeof buf, "exited with status %d", res->status);
		break;
	case SB_SIGNALED:
		if (res->status == SIGXFSZ)
			snprintf(buf, sizeof buf, "killed: wrote a file over the "
				 "%zu MiB limit (SIGXFSZ)", lim->file_size >> 20);
		else
			snprintf(buf, sizeof buf, "crashed: %s (%s)",
				 signal_name(res->status), strsignal(res->status));
		break;
	case SB_TIMEOUT:
		if (res->status == SIGXCPU)
			snprintf(buf, sizeof buf, "timed out: used more than %.0f s "
				 "of CPU", lim->cpu);
		else
			snprintf(buf, sizeof buf, "timed out after %g s", lim->wall);
		break;
	case SB_FLOOD:
		snprintf(buf, sizeof buf, "output flood: more than %zu MiB of "
			 "output, killed", lim->flood >> 20);
		break;
	case SB_PROCS:
		snprintf(buf, sizeof buf, "fork bomb: more than %d processes at "
			 "once, killed", lim->processes);
		break;
	case SB_MEMORY:
		snprintf(buf, sizeof buf, "memory blow-up: more than %zu MiB "
			 "resident, killed", lim->resident >> 20);
		break;
	case SB_INTERRUPTED:
		snprintf(buf, sizeof buf, "interrupted");
		break;
	case SB_NOT_STARTED:
		snprintf(buf, sizeof buf, "could not start: %s", res->error);
		break;
	}
	return buf;
}
