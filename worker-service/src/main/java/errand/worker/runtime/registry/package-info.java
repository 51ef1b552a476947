/**
 * The task types this worker knows: every {@code TaskHandler} with what is derived from its {@code @Task} at start
 * ({@code TaskRegistry}, {@code RegisteredTask}), the types it serves and with how many slots ({@code ServedTasks}),
 * and the decoding and validation of a payload into a handler's input ({@code InputDecoder}). Changes when the
 * handler SPI or the way types are declared changes.
 */
@NullMarked
package errand.worker.runtime.registry;

import org.jspecify.annotations.NullMarked;
