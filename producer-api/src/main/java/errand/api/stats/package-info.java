/**
 * Counts without counting: how many jobs each tenant has per type and status, and what finished in the last hour,
 * kept up to date by triggers and a fold chore instead of counted over the jobs table; {@code GET /api/v1/stats} and
 * the backlog (its gauges and the per-tenant {@code 429}) read them.
 */
@NullMarked
package errand.api.stats;

import org.jspecify.annotations.NullMarked;
