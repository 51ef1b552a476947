/**
 * What the end-to-end, failure and monitoring tests share: the platforms that run the real API and worker jars as
 * OS processes ({@link errand.tests.support.ErrandPlatform}, {@link errand.tests.support.FaultPlatform}, both
 * through {@link errand.tests.support.PlatformApps}), the HTTP client, the job ledger, fixtures and asserts. The
 * broker and database come from {@link errand.testsupport.ErrandTestServices}.
 */
@NullMarked
package errand.tests.support;

import org.jspecify.annotations.NullMarked;
