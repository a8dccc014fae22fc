"""The tools behind `make up`, `make test` and `make dev`."""
