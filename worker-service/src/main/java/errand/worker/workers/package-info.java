/**
 * The worker runtime: declares the topology, consumes each served task type's queue through slots (a channel with
 * prefetch 1 each), executes handlers with deadlines on the right kind of thread, reports events with publisher
 * confirms and acknowledges a delivery only once everything published for it is confirmed, or converts a long job's
 * delivery to a lease renewed by heartbeats. Also cancellation, heartbeats, readiness, metrics and graceful shutdown.
 */
@NullMarked
package errand.worker.workers;

import org.jspecify.annotations.NullMarked;
