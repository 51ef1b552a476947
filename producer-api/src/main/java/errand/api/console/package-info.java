/**
 * The web console: static ES modules under {@code static/console/} that call the public HTTP API with the key the
 * user typed. This package only serves them: every console route answers the one page, with a strict
 * Content-Security-Policy.
 */
@NullMarked
package errand.api.console;

import org.jspecify.annotations.NullMarked;
