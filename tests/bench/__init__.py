"""Benchmarks of the course (``make bench``).

Every module ``tests/bench/bench_<topic>.py`` defines ``run() -> list[Result]``; the
runner imports them all, runs them one after the other on this machine, and prints one
table. Timings are measured, never asserted: the machines are shared and noisy, so
compare figures from one run with each other.
"""
