/**
 * The worker runtime: declares the topology, runs one listener container per served task type, executes handlers
 * with deadlines on the right kind of thread, reports events with publisher confirms and acknowledges a delivery only
 * once everything published for it is confirmed. Also cancellation, heartbeats, readiness, metrics and graceful
 * shutdown.
 */
@NullMarked
package errand.worker.workers;

import org.jspecify.annotations.NullMarked;
