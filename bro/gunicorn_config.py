"""Gunicorn settings for serving bro (`gunicorn -c python:bro.gunicorn_config app:app`)."""
import gc

worker_class = "gthread"
workers = 2
threads = 4
accesslog = "-"


def post_worker_init(worker):
    """Move the objects loaded at start-up out of the garbage collector's way: fewer, shorter pauses
    on requests that allocate much (charts), and copy-on-write pages stay shared longer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20000, 50, 100)
