/*
 * The benchmark's floor: one read of LENGTH bytes of process PID's memory at ADDR, through
 * /proc/PID/mem with large preads, the same bytes kamheap's bulk walker reads, and nothing else.
 *
 *   raw-read PID ADDR_HEX LENGTH stop|live [CHUNK_BYTES]
 *
 * stop: every thread of PID is attached with PTRACE_SEIZE and stopped with PTRACE_INTERRUPT,
 *       the bytes are read, and every thread is detached. The pause (first SEIZE to last DETACH)
 *       is the least any ptrace-based walker can stop the target for. SEIZE, not ATTACH: no
 *       SIGSTOP is ever queued, so a killed raw-read leaves the target running.
 * live: the bytes are read from the running process, no ptrace (root reads /proc/PID/mem).
 *
 * The destination buffer is allocated and touched before the attach, so the pause holds no page
 * faults of our own. SIGINT/SIGTERM/SIGHUP are held from the attach to the detach and act after it.
 * stdout: one line of key=value pairs (bench/raw-read.ts parses it):
 *   mode bytes threads attach_us read_us detach_us pause_us
 * Exit 0 on success, 1 on any error (the target is detached first), 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 256

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The thread ids of PID from /proc/PID/task; returns how many, -1 on error. */
static int list_threads(const char *pid, pid_t *tids) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/task", pid);
  DIR *dir = opendir(path);
  if (dir == NULL) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL && n < MAX_THREADS) {
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') tids[n++] = (pid_t)atoi(e->d_name);
  }
  closedir(dir);
  return n;
}

/* Reads length bytes at addr into buf with preads of at most chunk bytes; 0 or -1. */
static int read_all(int fd, char *buf, unsigned long long addr, size_t length, size_t chunk) {
  size_t done = 0;
  while (done < length) {
    size_t want = length - done < chunk ? length - done : chunk;
    ssize_t n = pread(fd, buf + done, want, (off_t)(addr + done));
    if (n <= 0) {
      fprintf(stderr, "raw-read: pread at 0x%llx: %s\n", addr + done, n == 0 ? "end of file" : strerror(errno));
      return -1;
    }
    done += (size_t)n;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 6 || (strcmp(argv[4], "stop") != 0 && strcmp(argv[4], "live") != 0)) {
    fprintf(stderr, "usage: %s PID ADDR_HEX LENGTH stop|live [CHUNK_BYTES]\n", argv[0]);
    return 2;
  }
  const char *pid = argv[1];
  unsigned long long addr = strtoull(argv[2], NULL, 16);
  size_t length = (size_t)strtoull(argv[3], NULL, 10);
  size_t chunk = argc == 6 ? (size_t)strtoull(argv[5], NULL, 10) : (size_t)64 << 20;
  int stop = strcmp(argv[4], "stop") == 0;
  if (length == 0 || chunk == 0) {
    fprintf(stderr, "raw-read: LENGTH and CHUNK_BYTES must be positive\n");
    return 2;
  }

  char *buf = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) {
    fprintf(stderr, "raw-read: mmap %zu bytes: %s\n", length, strerror(errno));
    return 1;
  }
  memset(buf, 1, length);
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/mem", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "raw-read: %s: %s\n", path, strerror(errno));
    return 1;
  }

  if (!stop) {
    long long t0 = now_us();
    int rc = read_all(fd, buf, addr, length, chunk);
    long long t1 = now_us();
    if (rc != 0) return 1;
    printf("mode=live bytes=%zu threads=0 attach_us=0 read_us=%lld detach_us=0 pause_us=0\n", length, t1 - t0);
    return 0;
  }

  pid_t tids[MAX_THREADS];
  int nthreads = list_threads(pid, tids);
  if (nthreads <= 0) {
    fprintf(stderr, "raw-read: no threads under /proc/%s/task\n", pid);
    return 1;
  }
  sigset_t held, old;
  sigemptyset(&held);
  sigaddset(&held, SIGINT);
  sigaddset(&held, SIGTERM);
  sigaddset(&held, SIGHUP);
  sigprocmask(SIG_BLOCK, &held, &old);

  int failed = 0, attached = 0;
  int reinject[MAX_THREADS] = {0};
  long long t0 = now_us();
  for (; attached < nthreads; attached++) {
    if (ptrace(PTRACE_SEIZE, tids[attached], 0, 0) != 0) {
      fprintf(stderr, "raw-read: PTRACE_SEIZE %d: %s\n", tids[attached], strerror(errno));
      failed = 1;
      break;
    }
    if (ptrace(PTRACE_INTERRUPT, tids[attached], 0, 0) != 0) {
      fprintf(stderr, "raw-read: PTRACE_INTERRUPT %d: %s\n", tids[attached], strerror(errno));
      attached++;
      failed = 1;
      break;
    }
  }
  for (int i = 0; i < attached && !failed; i++) {
    int status;
    if (waitpid(tids[i], &status, __WALL) != tids[i] || !WIFSTOPPED(status)) {
      fprintf(stderr, "raw-read: thread %d did not stop (status 0x%x)\n", tids[i], status);
      failed = 1;
      break;
    }
    /* A signal-delivery stop came first: hand the signal back at the detach. */
    if ((status >> 16) != PTRACE_EVENT_STOP && WSTOPSIG(status) != SIGTRAP) reinject[i] = WSTOPSIG(status);
  }
  long long t1 = now_us();
  if (!failed && read_all(fd, buf, addr, length, chunk) != 0) failed = 1;
  long long t2 = now_us();
  for (int i = 0; i < attached; i++) {
    if (ptrace(PTRACE_DETACH, tids[i], 0, (void *)(long)reinject[i]) != 0) {
      fprintf(stderr, "raw-read: PTRACE_DETACH %d: %s\n", tids[i], strerror(errno));
      failed = 1;
    }
  }
  long long t3 = now_us();
  /* A thread that failed to stop cannot be detached here (ESRCH); our exit detaches it. */
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (failed) return 1;
  printf("mode=stop bytes=%zu threads=%d attach_us=%lld read_us=%lld detach_us=%lld pause_us=%lld\n", length, nthreads,
         t1 - t0, t2 - t1, t3 - t2, t3 - t0);
  return 0;
}
