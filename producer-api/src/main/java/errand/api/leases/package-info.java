/**
 * Leases of long jobs: renewed by worker heartbeats, and the rescuer that requeues a job whose lease lapsed.
 */
@NullMarked
package errand.api.leases;

import org.jspecify.annotations.NullMarked;
