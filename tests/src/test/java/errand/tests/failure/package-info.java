/**
 * The failure suite: the real apps killed, paused, cut off from the broker or the database, or overloaded, and every
 * job's end state asserted.
 */
@NullMarked
package errand.tests.failure;

import org.jspecify.annotations.NullMarked;
