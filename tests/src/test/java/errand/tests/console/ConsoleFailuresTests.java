package errand.tests.console;

import static errand.tests.support.JobFixtures.aFailingJob;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The failures page in a browser: failed jobs grouped by type and error, and "retry all matching" that shows its
 * count and acts only once confirmed.
 */
class ConsoleFailuresTests {

    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final int FAILED = 3;

    @RegisterExtension
    @Order(1)
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @RegisterExtension
    @Order(2)
    static final ConsoleBrowser browser = ConsoleBrowser.of(platform);

    @Test
    void retryAllFailedJobsOfATypeAfterTheCountIsShownAndConfirmed() {
        String tenant = "console-failures-" + UUID.randomUUID().toString().substring(0, 8);
        String key = platform.api().createKey(tenant, "jobs:submit", "jobs:read", "jobs:manage");
        ErrandClient client = platform.api().withKey(key);
        List<UUID> failed = new ArrayList<>();
        for (int i = 0; i < FAILED; i++) {
            failed.add(client.submit(aFailingJob(1, false)).jobId());
        }
        failed.forEach(id -> client.awaitStatus(id, JobStatus.FAILED, SHORT));

        browser.signIn("/console/failures", key);
        browser.waitForText(By.id("failure-groups"), "fail");
        assertThat(browser.waitFor(By.cssSelector("#failure-groups tbody tr")).getText()).contains(" " + FAILED + " ");
        browser.click(By.cssSelector("button[data-retry-type=fail]"));
        browser.waitForText(By.id("bulk-confirm"), "Retry all " + FAILED + " failed jobs of type fail?");
        browser.screenshot("failures-confirm");
        browser.click(By.id("dismiss-bulk"));
        assertThat(browser.all(By.id("confirm-bulk"))).isEmpty();
        failed.forEach(id -> assertThat(client.job(id).path("status").asString()).isEqualTo("FAILED"));

        browser.click(By.cssSelector("button[data-retry-type=fail]"));
        browser.click(By.id("confirm-bulk"));
        browser.waitForText(By.id("bulk-message"), FAILED + " of " + FAILED + " matching jobs of type fail retried.");
        failed.forEach(id -> assertThat(client.awaitStatus(id, JobStatus.SUCCEEDED, SHORT).path("attempts").asInt())
                .isEqualTo(2));
    }
}
