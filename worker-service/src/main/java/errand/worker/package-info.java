/**
 * The Errand worker application. Features live in sub-packages: {@code tasks} (the handler SPI and the built-in task
 * types), {@code workers} (the runtime that consumes, runs, times out, cancels, reports and acknowledges), and
 * {@code schema} (JSON Schema derived from handler records).
 */
@NullMarked
package errand.worker;

import org.jspecify.annotations.NullMarked;
