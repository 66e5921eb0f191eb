"""Gunicorn settings for serving bro (`gunicorn -c python:bro.gunicorn_config app:app`)."""
import gc

worker_class = "gthread"
workers = 2
threads = 4
accesslog = "-"


M_ARENA_MAX = -8  # glibc's mallopt parameter


def post_fork(server, worker):
    """At most two malloc arenas per worker (glibc gives each thread its own, up to 8 per core): with four
    threads the freed memory of one request is reused by the next instead of sitting in another arena, which
    keeps a worker's peak RSS lower at the price of a little lock contention in malloc. Not glibc: nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass


def post_worker_init(worker):
    """Move the objects loaded at start-up out of the garbage collector's way: fewer, shorter pauses
    on requests that allocate much (charts), and copy-on-write pages stay shared longer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20000, 50, 100)
