/**
 * Leases: a delivery held past its hold limit ({@code Hold}) is converted to a lease ({@code Leasing}): a {@code
 * Leased}
 * event is confirmed, the delivery acknowledged, and heartbeats keep the lease alive until the job ends. Changes when
 * the way long jobs are kept from the consumer timeout changes.
 */
@NullMarked
package errand.worker.runtime.leasing;

import org.jspecify.annotations.NullMarked;
