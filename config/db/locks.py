"""PostgreSQL advisory lock namespaces (the first key of pg_advisory_xact_lock(int, int)),
in one place so that no two uses share one. Every lock is transaction-scoped: nothing is
held on a connection between transactions, so PgBouncer's transaction mode is safe."""

BATCH_PARTNER = 5_005  # (namespace, partner id): one batch per partner at a time
IDEMPOTENCY_KEY = 5_006  # (namespace, hash of user and key): one request per key
WEBHOOK_SENDER = 5_007  # (namespace, subscription id): one sender per subscription
WEBHOOK_DISPATCH = 5_008  # (namespace, 0): one fan-out at a time keeps event order
IMPORT_JOB = 5_009  # (namespace, import id): held while a job runs the import
FIGURE_CELLS = 5_010  # (namespace, 0): one fold of the figure cells' deltas at a time
