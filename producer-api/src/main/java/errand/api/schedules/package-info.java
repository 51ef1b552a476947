/**
 * Cron schedules: one job per schedule and fire time, with any number of API instances and no scheduler process.
 * Every instance claims the due schedules with {@code SKIP LOCKED}; a fire time is one row of {@code schedule_runs},
 * whose key refuses a second, and its job goes out through the outbox in the transaction that advances the schedule.
 */
@NullMarked
package errand.api.schedules;

import org.jspecify.annotations.NullMarked;
