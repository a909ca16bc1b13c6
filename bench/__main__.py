"""`python -m bench ...` from a checkout: the same commands as `javskoll bench ...`."""

from bench.cli import bench_group

if __name__ == "__main__":
    bench_group()
