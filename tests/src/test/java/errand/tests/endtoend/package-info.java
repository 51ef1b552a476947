/**
 * End-to-end tests: the real API and worker jars as OS processes against a real broker and database, each class on
 * its own vhost and database.
 */
@NullMarked
package errand.tests.endtoend;

import org.jspecify.annotations.NullMarked;
