/**
 * Consuming job queues and control commands: a slot per unit of concurrency ({@code JobSlot}, a consumer with a
 * prefetch of 1 on its type's {@code TypeChannel}), the delivery it holds until it is settled ({@code HeldDelivery}),
 * the listener that turns a delivery into an attempt and settles it ({@code JobListener}), the control queue's
 * listener (cancels) and the readiness check on the consumers. Changes when the way deliveries are taken from the
 * broker and settled changes.
 */
@NullMarked
package errand.worker.runtime.consuming;

import org.jspecify.annotations.NullMarked;
