"""Load benchmarks of the stack (`make bench`)."""
