/**
 * End-to-end tests: the real API and worker jars as OS processes against a real broker and database.
 * {@link errand.testsupport.ErrandTestServices} chooses the services, {@link errand.tests.ErrandPlatform} runs the apps.
 */
@NullMarked
package errand.tests;

import org.jspecify.annotations.NullMarked;
