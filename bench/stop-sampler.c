/*
 * The benchmark's external stop sampler: reads the state letter of /proc/PID/stat every
 * INTERVAL_US microseconds, from its own process, while a measured command runs, and reports how
 * long the target was seen in ptrace stop ('t') or job-control stop ('T').
 *
 *   stop-sampler PID [INTERVAL_US]      (default 1000)
 *
 * stdout: "ready" once the first sample is taken, then, after SIGTERM or SIGINT (or when the
 * target is gone), one result line of key=value pairs (bench/target-stop.ts parses it):
 *   samples stopped_samples spans stopped_us stopped_upper_us first_us last_us max_gap_us
 *   mean_gap_us gone
 * A span is a run of consecutive stopped samples. stopped_us sums each span from its first to
 * its last stopped sample (a lower bound); stopped_upper_us extends each span to the samples
 * around it (an upper bound). first_us/last_us: the first and the last stopped sample, from the
 * start of sampling (-1 when never stopped). It dies with its parent (PR_SET_PDEATHSIG).
 * It asks for nice -10 (granted to root only; ignored otherwise): on a busy 2-core machine a
 * normal-priority sampler was seen to sleep 50-230 ms between samples, blurring short stops.
 * It sleeps between samples, so the priority costs the machine little.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_signal(int sig) {
  (void)sig;
  done = 1;
}

/* Microseconds on the monotonic clock. */
static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The state letter of /proc/PID/stat (after the last ')' of the command name), 0 when gone. */
static char read_state(int fd) {
  char buf[512];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char *paren = strrchr(buf, ')');
  if (paren == NULL || paren[1] != ' ') return 0;
  return paren[2];
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s PID [INTERVAL_US]\n", argv[0]);
    return 2;
  }
  long interval = argc == 3 ? strtol(argv[2], NULL, 10) : 1000;
  if (interval < 50) interval = 50;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  (void)setpriority(PRIO_PROCESS, 0, -10);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  char path[64];
  snprintf(path, sizeof path, "/proc/%s/stat", argv[1]);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "stop-sampler: %s: %s\n", path, strerror(errno));
    return 1;
  }

  long long start = now_us(), prev = -1, max_gap = 0, gap_sum = 0;
  long long samples = 0, stopped_samples = 0, spans = 0, stopped = 0, stopped_upper = 0;
  long long first = -1, last = -1, span_start = -1, span_last = -1, before_span = -1;
  int gone = 0;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (;;) {
    long long t = now_us() - start;
    char state = read_state(fd);
    if (prev >= 0) {
      long long gap = t - prev;
      gap_sum += gap;
      if (gap > max_gap) max_gap = gap;
    }
    samples++;
    int is_stopped = state == 't' || state == 'T';
    if (is_stopped) {
      stopped_samples++;
      if (first < 0) first = t;
      last = t;
      if (span_start < 0) {
        span_start = t;
        before_span = prev >= 0 ? prev : t;
      }
      span_last = t;
    } else if (span_start >= 0) {
      spans++;
      stopped += span_last - span_start;
      stopped_upper += t - before_span;
      span_start = -1;
    }
    prev = t;
    if (samples == 1) {
      fputs("ready\n", stdout);
      fflush(stdout);
    }
    if (state == 0) {
      gone = 1;
      break;
    }
    if (done) break;
    next.tv_nsec += interval * 1000;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      next.tv_sec += 1;
    }
    /* A late wake-up (a busy machine) samples at once instead of trying to catch up. */
    struct timespec cur;
    clock_gettime(CLOCK_MONOTONIC, &cur);
    if (cur.tv_sec > next.tv_sec || (cur.tv_sec == next.tv_sec && cur.tv_nsec > next.tv_nsec)) next = cur;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR && !done) {
    }
  }
  /* A span still open at the end (the target stopped until the last sample). */
  if (span_start >= 0) {
    spans++;
    stopped += span_last - span_start;
    stopped_upper += prev - before_span;
  }
  printf("samples=%lld stopped_samples=%lld spans=%lld stopped_us=%lld stopped_upper_us=%lld first_us=%lld last_us=%lld "
         "max_gap_us=%lld mean_gap_us=%lld gone=%d\n",
         samples, stopped_samples, spans, stopped, stopped_upper, first, last, max_gap,
         samples > 1 ? gap_sum / (samples - 1) : 0, gone);
  fflush(stdout);
  return 0;
}
