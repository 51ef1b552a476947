/**
 * The web console, tested in a real browser: Debian's headless Chromium driven by Selenium through the system's
 * chromedriver ({@link errand.tests.console.ConsoleBrowser}), against the shared platform's real API and worker. A
 * machine without Chromium fails these tests; it never skips them ({@code .ci/run} installs it).
 */
@NullMarked
package errand.tests.console;

import org.jspecify.annotations.NullMarked;
