"""End-to-end tests: the whole stack, started as `make up` starts it, through the gateway."""
