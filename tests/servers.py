"""Throwaway servers for tests and benchmarks: free local ports, waiting for a started server to
serve, and stopping it again.

- `free_port()`, `free_ports(n)`: local ports nothing listens on yet.
- `wait_until_serving(ready, process, ...)`: wait until `ready()` says the server `process`
  serves; fail saying so, with the end of its log, when the process stops first or the time
  runs out. `wait_until_listening(host, port, process, ...)` is that wait for a server that
  serves once its port accepts connections.
- `stop_process(process)`: SIGTERM, then SIGKILL if it lingers.
- `wait_for(check)`: poll any condition.

Standard library only: the benchmarks in bench/ import it outside pytest and before Django is
set up.
"""

import socket
import subprocess
import time


def free_ports(count, *, below=65536):
    """`count` different local ports, each below `below`, that were free a moment ago.

    They are held together while chosen (so none is picked twice) and released on return.
    """
    ports, holders = [], []
    try:
        while len(ports) < count:
            holder = socket.socket()
            holders.append(holder)
            holder.bind(("127.0.0.1", 0))
            port = holder.getsockname()[1]
            if port < below and port not in ports:
                ports.append(port)
    finally:
        for holder in holders:
            holder.close()
    return ports


def free_port():
    """A local port that was free a moment ago; nothing listens on it until a server does."""
    return free_ports(1)[0]


def wait_for(check, timeout=40, interval=0.2):
    """Poll `check()` until it is true; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False


def wait_until_serving(ready, process, *, name, log=None, timeout=60, interval=0.2, not_yet=()):
    """Wait until `ready()` is true for the server `process` that was just started.

    An exception of a type in `not_yet` from `ready()` means "not serving yet". Raises
    RuntimeError, naming the server `name` and quoting the end of its `log` (a path) when
    given, if the process exits first or `timeout` seconds pass.
    """
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} stopped (exit {process.returncode}) before serving{_tail(log)}"
            )
        try:
            if ready():
                return
        except not_yet as error:
            last_error = error
        if time.monotonic() > deadline:
            reason = f" (last: {last_error!r})" if last_error else ""
            raise RuntimeError(f"{name} did not serve within {timeout} s{reason}{_tail(log)}")
        time.sleep(interval)


def listening(host, port):
    """Whether something accepts connections at host:port."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_until_listening(host, port, process, *, name, log=None, timeout=60, interval=0.2):
    """`wait_until_serving` for a server that serves as soon as it accepts connections."""
    wait_until_serving(
        lambda: listening(host, port),
        process,
        name=name,
        log=log,
        timeout=timeout,
        interval=interval,
    )


def stop_process(process, timeout=15):
    """Ask the process to end (SIGTERM); kill it if it has not within `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log):
    if log is None:
        return ""
    try:
        text = log.read_text(errors="replace")
    except OSError as error:
        return f"\n(its log could not be read: {error})"
    return f":\n{text[-3000:]}"
