/**
 * The outcome stream, {@code GET /api/v1/events}: every status change of the calling tenant's jobs as server-sent
 * events with strictly increasing ids, resumable with {@code Last-Event-ID} on any API instance. Triggers stage each
 * change in the transaction that makes it; the {@link errand.api.events.EventSequencer} numbers staged changes in an
 * order no later reader can contradict; the {@link errand.api.events.EventLog} keeps them for
 * {@code errand.api.events.retention}.
 */
@NullMarked
package errand.api.events;

import org.jspecify.annotations.NullMarked;
