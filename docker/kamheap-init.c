/*
 * kamheap-init: the first process of the kamheap image, the parent of every process kamheap starts.
 *
 * In Kamailio's PID namespace (a compose sidecar, docker run --pid container:NAME, kubectl debug
 * --target) Kamailio's main process is PID 1, and PID 1 adopts every process whose parent died
 * first. Kamailio's main process takes any child it reaps for a dead worker of its own and shuts
 * the whole instance down ("child process N exited ... terminating due to SIGCHLD"). A process
 * of kamheap's can outlive its parent: gdb and the guard when kamheap itself is killed (SIGKILL,
 * OOM), the guard on purpose, to settle the target. So this process makes itself their
 * subreaper (PR_SET_CHILD_SUBREAPER: they are adopted here, not by Kamailio), passes SIGINT,
 * SIGTERM and SIGHUP on to kamheap (docker stop, Ctrl-C), and exits only once every process
 * below it is gone, with kamheap's exit status (128 + N for a signal N).
 *
 *   kamheap-init COMMAND [ARG...]     (the image: kamheap-init kamheap ARGS)
 *
 * kamheap checks that it runs below it (KAMHEAP_INIT) before it starts anything in a namespace
 * whose PID 1 is Kamailio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child;

static void forward(int sig) {
  if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
  static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
  if (argc < 2) {
    fprintf(stderr, "usage: kamheap-init COMMAND [ARG...]\n");
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    fprintf(stderr, "kamheap-init: cannot become a subreaper: %s\n", strerror(errno));
    return 1;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = forward;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaction(forwarded[i], &action, NULL);

  char marker[32];
  snprintf(marker, sizeof marker, "%ld", (long)getpid());
  setenv("KAMHEAP_INIT", marker, 1);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "kamheap-init: cannot fork: %s\n", strerror(errno));
    return 1;
  }
  if (pid == 0) {
    action.sa_handler = SIG_DFL;
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaction(forwarded[i], &action, NULL);
    execvp(argv[1], argv + 1);
    fprintf(stderr, "kamheap-init: cannot run %s: %s\n", argv[1], strerror(errno));
    _exit(127);
  }
  child = pid;

  /* Every process below: kamheap, and whatever it left (adopted here). ECHILD: none is left. */
  int result = 1;
  for (;;) {
    int status;
    pid_t done = waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (done == pid) {
      result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      child = 0;
    }
  }
  return result;
}
