// Package lock gives mutual exclusion between processes, through the
// database, for any key: the migration lock of a version table, a
// resumable backfill, one tenant of a fan-out. [Acquire] takes the lock
// and returns it [Held]; the work runs under [Held.Context] and ends with
// [Held.Release].
//
// # Session locks and leases
//
// A session lock ([Session]) is the database's own advisory lock
// (PostgreSQL pg_advisory_lock, MySQL GET_LOCK), held by one pinned
// connection and freed by the server when that session ends, even if the
// process is killed. Waiters queue in the server.
//
// A lease ([Table]) is a row in a table naming its owner and when it
// expires, by the database's clock. It works where session locks do not:
// SQLite, and PostgreSQL behind PgBouncer in transaction mode. A heartbeat
// renews it every third of its TTL. A holder that dies stops renewing, and
// another takes the lease over once it expires; a holder whose renewals
// keep failing (or hanging) for two thirds of the TTL cancels its own run
// with [ErrLost], so that it stops before another may take the lease over.
//
// [Auto], the default, takes the session lock where the dialect has one.
//
// # Fencing
//
// A lease holder that stalls (a long GC pause, a frozen VM) may find its
// lease taken over when it resumes. Work that must not commit then renews
// the lease inside its own transaction: [Held.Fence] as the transaction's
// last statement, after which the commit and the renewal happen together
// or not at all. [Held.FenceTx] at the start of a transaction also locks
// the lease row for the transaction's lifetime, so that nobody can take the
// lease over while it runs. A session lock needs no fence.
//
// # Events and errors
//
// Acquire reports [Waiting] (naming the holder: a lease's owner, or for a
// session lock the database session where the dialect implements
// [dialect.LockHolderFinder]) and [Acquired] to [Options.Events]. It
// returns an error wrapping [ErrTimeout], naming the holder, when the wait
// expires. A lost lease cancels [Held.Context] with a cause wrapping
// [ErrLost].
package lock
