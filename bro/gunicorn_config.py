"""Gunicorn settings for serving bro (`gunicorn -c python:bro.gunicorn_config app:app`).

A worker's peak memory is held to 150 MB (issue 16); README "Worker memory" says where it goes and why each
setting below is here (tests/web/test_worker_memory.py keeps them). No preload_app: RSS counts pages shared by
copy-on-write in every worker, so it would not lower the figure measured."""
import gc

worker_class = "gthread"
workers = 2
threads = 4
accesslog = "-"


M_ARENA_MAX = -8  # glibc's mallopt parameters
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1024 * 1024


def post_fork(server, worker):
    """At most two malloc arenas per worker (glibc gives each thread its own, up to 8 per core): with four
    threads the freed memory of one request is reused by the next instead of sitting in another arena, which
    keeps a worker's peak RSS lower at the price of a little lock contention in malloc. And blocks of 1 MiB or
    more (a password hash's 8 MiB, large result buffers) always come from mmap and go back to the system when
    freed (glibc otherwise raises that threshold after the first such block and keeps later ones in the heap).
    Not glibc: nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, 2)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass


def post_worker_init(worker):
    """Move the objects loaded at start-up out of the garbage collector's way: fewer, shorter pauses
    on requests that allocate much (charts), and copy-on-write pages stay shared longer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20000, 50, 100)
