/**
 * The worker runtime: declares the topology, consumes each served task type's queue through slots (a channel with
 * prefetch 1 each), executes handlers with deadlines on the right kind of thread, reports events with publisher
 * confirms and acknowledges a delivery only once everything published for it is confirmed, or converts a long job's
 * delivery to a lease renewed by heartbeats. Also cancellation, heartbeats, readiness, metrics and graceful shutdown.
 *
 * <p>This package holds what ties the sub-packages together: the settings ({@link
 * errand.worker.runtime.WorkerProperties},
 * {@link errand.worker.runtime.DiagnosticsProperties}), the topology a worker declares, the retry backoff and the
 * decision between a retry and the dead-letter queue, the wiring ({@link errand.worker.runtime.WorkerConfiguration})
 * and the lifecycle ({@link errand.worker.runtime.WorkerRuntime}). The sub-packages split the rest by reason to change:
 * {@code consuming} (slots, channels, deliveries, control commands), {@code executing} (running one attempt of a
 * handler), {@code registry} (which task types exist and how their input is read), {@code reporting} (what is
 * published to the broker, with confirms) and {@code leasing} (a long job's delivery turned into a lease). Their
 * classes and constructors are public where another sub-package uses them, and where this package's
 * {@code WorkerConfiguration} builds them: nothing outside {@code errand.worker} should.
 */
@NullMarked
package errand.worker.runtime;

import org.jspecify.annotations.NullMarked;
