package errand.tests.console;

import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Signing in to the console in a browser: a wrong key is refused, a key lives in the tab only and never in a URL,
 * sign-out forgets it, and a {@code jobs:read} key is shown no action button.
 */
class ConsoleSignInTests {

    private static final Duration SHORT = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @RegisterExtension
    @Order(2)
    static final ConsoleBrowser browser = ConsoleBrowser.of(platform);

    @Test
    void aWrongKeyIsRefusedAndNotKept() {
        browser.go("/console/");
        browser.typeKey("not-a-key");
        browser.waitForText(By.cssSelector("#sign-in .notice"), "The API key was refused.");
        assertThat(browser.storedText()).doesNotContain("not-a-key");
        assertThat(browser.all(By.id("sign-out"))).isEmpty();
        browser.screenshot("sign-in-refused");
    }

    @Test
    void theKeyStaysInTheTabNeverInTheUrlAndSignOutForgetsIt() {
        browser.signIn("/console/jobs?status=FAILED", PlatformApps.BOOTSTRAP_KEY);
        assertThat(browser.url()).endsWith("/console/jobs?status=FAILED").doesNotContain(PlatformApps.BOOTSTRAP_KEY);
        assertThat(browser.script("return sessionStorage.getItem('errand.apiKey')"))
                .isEqualTo(PlatformApps.BOOTSTRAP_KEY);
        assertThat(browser.script("return JSON.stringify(localStorage) + document.cookie")).isEqualTo("{}");

        browser.reload();
        browser.waitFor(By.id("job-filters"));
        assertThat(browser.all(By.id("sign-in"))).as("still signed in after a reload").isEmpty();

        browser.click(By.id("sign-out"));
        browser.waitFor(By.id("api-key"));
        assertThat(browser.storedText()).doesNotContain(PlatformApps.BOOTSTRAP_KEY);
        assertThat(browser.all(By.id("nav")).getFirst().isDisplayed()).isFalse();
    }

    @Test
    void aReadOnlyKeySeesNoActionButtonsAndTheApiRefusesTheActionsAnyway() {
        String tenant = "console-ro-" + UUID.randomUUID().toString().substring(0, 8);
        ErrandClient manager = platform.api().withKey(platform.api().createKey(tenant, "jobs:submit", "jobs:read",
                "jobs:manage"));
        String readOnlyKey = platform.api().createKey(tenant, "jobs:read");
        UUID failed = manager.submit(aFailingJob(1, false)).jobId();
        UUID queued = manager.submit(anEchoJobNumbered(1).withDelay(Duration.ofHours(1))).jobId();
        manager.awaitStatus(failed, JobStatus.FAILED, SHORT);

        browser.signIn("/console/jobs/" + failed, readOnlyKey);
        browser.waitForText(By.id("job-status"), "FAILED");
        assertThat(browser.all(By.id("job-actions"))).isEmpty();
        assertThat(browser.all(By.id("retry-job"))).isEmpty();
        assertThat(browser.all(By.linkText("Workers"))).as("workers need admin").isEmpty();

        browser.go("/console/jobs/" + queued);
        browser.waitForText(By.id("job-status"), "QUEUED");
        assertThat(browser.all(By.id("cancel-job"))).isEmpty();

        browser.go("/console/failures");
        browser.waitFor(By.id("failure-groups"));
        assertThat(browser.all(By.id("bulk-table"))).isEmpty();
        assertThat(browser.all(By.cssSelector("button[data-retry-type]"))).isEmpty();

        browser.go("/console/task-types/echo");
        browser.waitFor(By.id("live-workers"));
        assertThat(browser.all(By.id("payload-form"))).as("no jobs:submit, no form").isEmpty();

        ErrandClient readOnly = platform.api().withKey(readOnlyKey);
        assertThat(readOnly.post("/api/v1/jobs/" + failed + "/retry", "application/json", "", null).status())
                .isEqualTo(403);
        assertThat(readOnly.post("/api/v1/jobs/retry", "application/json", "{}", null).status()).isEqualTo(403);
        // the shared platform's settling cancels only the default tenant's jobs
        manager.post("/api/v1/jobs/cancel", "application/json", "{}", null);
    }
}
