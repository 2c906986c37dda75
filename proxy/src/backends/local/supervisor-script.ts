/**
 * The Python program that supervises one replica (run with `python -c`, so the proxy stays one JS bundle with
 * nothing compiled). It plays the part the container runtime plays for a pod:
 *
 * - It becomes the child subreaper of everything the replica starts (Linux `PR_SET_CHILD_SUBREAPER`), so a
 *   process that detaches (setsid, double fork, `torchrun` workers in their own session) is re-parented to it
 *   instead of to init: the replica's processes are exactly the supervisor's descendants in /proc.
 * - It owns the replica's output pipe and is not in the replica's session or process group, so a SIGTERM to
 *   the replica never reaches it: lines printed by shutdown handlers until the last moment reach the log.
 * - SIGTERM (a stop) → SIGTERM to every descendant, the grace period, then SIGKILL to every survivor, swept
 *   again every 100 ms until none is left. When the main process ends by itself, what it leaves behind is
 *   killed at once, like the other processes of a container whose main process exited.
 * - It reaps everything, writes the main process's exit code to the exit file, and exits last; so "the
 *   supervisor is alive" means "some process of the replica may be alive". Should the supervisor itself be
 *   killed (SIGKILL, the OOM killer), the kernel kills the replica's main process (`PR_SET_PDEATHSIG`), as a
 *   container goes with its runtime.
 *
 * Arguments: <log file> <exit file> <grace seconds> <command…>.
 */
export const SUPERVISOR_SCRIPT = String.raw`
import ctypes, datetime, os, signal, subprocess, sys, threading
log_path, exit_path, grace, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
out = open(log_path, 'ab', buffering=0)
out_lock = threading.Lock()
me = os.getpid()
state = {'child': None, 'terminating': False}

def write(line):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ').encode()
    with out_lock:
        out.write(stamp + b' ' + line.rstrip(b'\n') + b'\n')

try:
    LIBC = ctypes.CDLL(None, use_errno=True)  # loaded before any fork
except OSError:
    LIBC = None

def prctl(option, value):
    try:
        return LIBC is not None and LIBC.prctl(option, value, 0, 0, 0) == 0
    except AttributeError:
        return False

def become_subreaper():
    return prctl(36, 1)  # PR_SET_CHILD_SUBREAPER

def die_with_supervisor():
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG, in the child before exec

def descendants():
    children = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry, 'rb') as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b')') + 2:].split()
        if fields[0] not in (b'Z', b'X'):
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [me]
    while todo:
        for pid in children.get(todo.pop(), ()):
            found.append(pid)
            todo.append(pid)
    return found

def signal_all(sig):
    child = state['child']
    if child is None:
        return
    if not os.path.isdir('/proc/self'):
        targets = []
        try:
            os.killpg(child.pid, sig)  # no /proc: the replica's process group is the best we know
        except OSError:
            pass
    else:
        targets = descendants()
    for pid in targets:
        try:
            os.kill(pid, sig)
        except OSError:
            pass

def kill_survivors(*_):
    signal_all(signal.SIGKILL)

def start_killing(first_in):
    signal.signal(signal.SIGALRM, kill_survivors)
    signal.setitimer(signal.ITIMER_REAL, max(first_in, 0.001), 0.1)

def on_sigterm(*_):
    if state['terminating']:
        return
    state['terminating'] = True
    signal_all(signal.SIGTERM)
    start_killing(grace)

def copy_output(pipe):
    for line in iter(pipe.readline, b''):
        write(line)

def write_exit_code(code):
    with open(exit_path + '.tmp', 'w') as f:
        f.write(str(code))
    os.replace(exit_path + '.tmp', exit_path)

if not become_subreaper() and sys.platform.startswith('linux'):
    write(b'[workbench] cannot become a child subreaper: processes that detach may outlive this replica')
signal.signal(signal.SIGTERM, on_sigterm)
try:
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True,
                             preexec_fn=die_with_supervisor if sys.platform.startswith('linux') else None)
except OSError as e:
    write(('[workbench] cannot start %s: %s' % (cmd[0], e.strerror)).encode())
    write_exit_code(127)
    sys.exit(127)
state['child'] = child
if state['terminating']:
    signal_all(signal.SIGTERM)  # the stop came while the command was being started
reader = threading.Thread(target=copy_output, args=(child.stdout,), daemon=True)
reader.start()
code = None
while True:
    try:
        pid, status = os.waitpid(-1, 0)
    except ChildProcessError:
        break
    if pid == child.pid:
        code = os.waitstatus_to_exitcode(status)
        code = 128 - code if code < 0 else code
        if not state['terminating']:
            state['terminating'] = True
            kill_survivors()
            start_killing(0.1)
signal.setitimer(signal.ITIMER_REAL, 0)
reader.join(5)
write_exit_code(code if code is not None else 137)
sys.exit(code if code is not None else 137)
`;
