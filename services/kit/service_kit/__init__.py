"""What every service of the stack shares, so that a new service is its own rules and routes
only: settings that fail fast, JSON logs with request and trace ids, the W3C trace context
(OpenTelemetry spans when an OTLP endpoint is set), metrics, the granian server with its
drain, the database with its unit of work and request deadline, the Alembic environment, and
the web edge (what the gateway forwards, one error envelope, one JSON serializer, database
modes declared beside routes, bearer-token auth, the health probes, ping and ``wait-db``).
``service_kit.testing`` is for the services' test suites: throwaway databases and a real server.

Layers as in each service: ``web`` imports ``db`` imports ``runtime``, never the other way.
"""
