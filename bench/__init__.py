"""Benchmark and load tooling for bro (not shipped with the app).

* ``python -m bench.generate`` — a large organisation generated deterministically from a seed.
* ``python -m bench.run`` — gunicorn on loopback, the figures of issue 7 against their targets.
* ``python -m bench.load`` — a mixed workload, then a check that nothing accepted was lost or doubled.

See bench/README.md.
"""
