"""Password hashing takes 8 MiB with scrypt (bro.models.people.PASSWORD_HASH_METHOD): a worker hashes one password
at a time."""
import threading
import time

import pytest

from bro.models import people
from bro.models.people import User

pytestmark = pytest.mark.no_db


def test_concurrent_logins_hash_one_password_at_a_time(monkeypatch):
    running, peak, lock = [0], [0], threading.Lock()

    def slow_check(_hash, _password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return True

    monkeypatch.setattr(people, "check_password_hash", slow_check)
    user = User(password_hash="x")
    threads = [threading.Thread(target=user.check_password, args=("secret",)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 1


def test_gunicorn_config_freezes_startup_objects():
    import gc

    from bro import gunicorn_config

    assert gunicorn_config.worker_class == "gthread"
    gunicorn_config.post_worker_init(worker=None)
    try:
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(700, 10, 10)
