/**
 * Batches a client can wait on as a whole: a batch submit's jobs, their maintained counts, a long-poll until every job
 * is terminal, a page of results in submission order, a stream of outcomes, and cancelling what is unfinished.
 */
@NullMarked
package errand.api.batches;

import org.jspecify.annotations.NullMarked;
