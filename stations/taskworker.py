"""The task worker (django-q2's `manage.py qcluster`) stopping when its process group is
sent SIGTERM, as systemd (KillMode=control-group, its default) and
`runserver_with_worker` do.

django-q2's cluster process answers SIGTERM by setting the sentinel's stop event and
waiting for it. But the signal went to the whole group: the sentinel, the workers, the
pusher and the monitor all die on it at once (django-q2 gives them the default
action), and setting an event that a dead process was waiting on blocks forever in
multiprocessing's Condition.notify_all, which waits for every sleeper to wake. The
cluster then hung until systemd's SIGKILL (90 s) or the dev runner's (15 s).

So, on SIGTERM, the cluster process first gives the sentinel a moment to go: if it
went, the group was signalled and there is nothing left to stop, so the process
exits; if it is still there, only this process was signalled (`kill PID`,
KillMode=mixed) and django-q2's own graceful stop runs. A task killed mid-way is
safe: tasks are safe to run twice, and the broker hands an unacknowledged task out
again after Q_CLUSTER["retry"] seconds.
"""

import logging
import signal
import time

from django_q.cluster import Cluster

log = logging.getLogger(__name__)

SENTINEL_GRACE = 2.0  # seconds for a signalled sentinel to be seen gone


def _stop_on_signal(self, signum, frame):
    sentinel = self.sentinel
    if signum == signal.SIGTERM and sentinel is not None:
        deadline = time.monotonic() + SENTINEL_GRACE
        while sentinel.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not sentinel.is_alive():
            log.info("task worker: its process group was stopped; exiting")
            self.start_event = None
            self.stop_event = None
            return
    _graceful_stop(self, signum, frame)


_graceful_stop = Cluster.sig_handler


def install() -> None:
    """Called once from StationsConfig.ready(); Cluster() binds the handler when made."""
    if Cluster.sig_handler is not _stop_on_signal:
        Cluster.sig_handler = _stop_on_signal
