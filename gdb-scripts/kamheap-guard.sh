# kamheap's guard: started next to every gdb kamheap runs, in a session of its own (a Ctrl-C never
# reaches it), with gdb's process group as its one argument. Not a gdb script: POSIX sh.
#
# Its stdin is a pipe from kamheap: "attach PID RUNNING" before an attach (RUNNING 1 when the
# target was running before it), "detached" after the detach. The end of that input, whether
# kamheap closed it or died (SIGKILL, OOM), means: kill gdb's whole process group (gdb's forked
# helpers too: they hold kamheap's pipes and a file on the target's memory), then settle the target
# last announced attached. gdb killed in the middle of an attach can leave the SIGSTOP of
# PTRACE_ATTACH behind: the target then enters a job-control stop (state T) once it is untraced.
# The guard waits for that (a SIGSTOP still pending is bit 18 of SigPnd/ShdPnd; gdb's own trace is
# still on it until gdb is gone) for up to a second and resumes it with SIGCONT: the only signal
# kamheap ever sends a target, and only to one that was running before and that this attach
# stopped. A target held by another debugger (its TracerPid) is that debugger's business.
gdb=$1
target=
running=0

# The scheduler state letter of a process (R, S, T, t, Z, ...), or nothing once it is gone.
state_of() {
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  echo "${stat%% *}"
}

while read -r verb pid flag; do
  case $verb in
    attach) target=$pid; running=$flag ;;
    detached) target= ;;
  esac
done
# (dash, Debian's sh, takes a process group as "kill -9 -PGID", not with "--" or "-s".)
kill -9 "-$gdb" 2>/dev/null
# gdb has let go of the target once it has exited, zombie or reaped (exit detaches its tracees).
n=0
while [ "$n" -lt 200 ]; do
  case $(state_of "$gdb") in '' | Z) break ;; esac
  sleep 0.01
  n=$((n + 1))
done
[ -n "$target" ] && [ "$running" = 1 ] || exit 0
n=0
while [ "$n" -lt 100 ]; do
  state=$(state_of "$target")
  case $state in
    '' | Z) exit 0 ;;
    T) kill -CONT "$target"; exit 0 ;;
  esac
  unsettled=0
  while read -r key value; do
    case $key in
      SigPnd:|ShdPnd:) low=${value#????????}; [ $((0x$low & 0x40000)) -ne 0 ] && unsettled=1 ;;
      TracerPid:) [ "$value" = "$gdb" ] && unsettled=1 ;;
    esac
  done < "/proc/$target/status"
  [ "$unsettled" = 0 ] && exit 0
  sleep 0.01
  n=$((n + 1))
done
