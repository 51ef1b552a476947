/**
 * What the worker publishes: a job's events, retry and dead-letter copies, each confirmed by the broker before the
 * delivery is settled ({@code AttemptReporter}), outcomes that are ready together sent as one message
 * ({@code EventSets}), the delayed start report, heartbeats, the wire codec of job messages and events, and the
 * worker's metrics. Changes when what is reported, or how it is confirmed, changes.
 */
@NullMarked
package errand.worker.runtime.reporting;

import org.jspecify.annotations.NullMarked;
