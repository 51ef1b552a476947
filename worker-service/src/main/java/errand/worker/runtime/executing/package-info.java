/**
 * Running one attempt of a handler: decoding its input, running it on the executor of its kind with a deadline,
 * stopping it on a cancel, timeout or shutdown and abandoning it when it ignores that, and turning what happened into
 * an {@code AttemptResult}. Also what runs right now ({@code RunningJobs}) and the attempt's span. Knows nothing of
 * the broker; the test kit ({@code errand.worker.testkit}) runs attempts through it too ({@code LoneAttempt}).
 */
@NullMarked
package errand.worker.runtime.executing;

import org.jspecify.annotations.NullMarked;
