package errand.tests.console;

import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.anEchoJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static errand.tests.support.JobFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The jobs list and the job page in a browser, each class run in a tenant of its own: filters kept in the URL
 * through a reload, a job that appears and finishes without a reload, attempts after a retry, cancelling a running
 * job, a hostile payload shown as text, and the batch list leading to a batch's page.
 */
class ConsoleJobsTests {

    private static final Duration SHORT = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @RegisterExtension
    @Order(2)
    static final ConsoleBrowser browser = ConsoleBrowser.of(platform);

    private static ErrandClient client;
    private static String key;

    @BeforeAll
    static void keysOfATenantOfItsOwn() {
        String tenant = "console-jobs-" + UUID.randomUUID().toString().substring(0, 8);
        key = platform.api().createKey(tenant, "jobs:submit", "jobs:read", "jobs:manage");
        client = platform.api().withKey(key);
    }

    @AfterAll
    static void cleanUpTheTenant() {
        // the shared platform's settling cancels only the default tenant's jobs
        client.post("/api/v1/jobs/cancel", "application/json", "{}", null);
    }

    @Test
    void theFiltersAreKeptInTheUrlAndSurviveAReload() {
        UUID echo = client.submit(anEchoJobNumbered(1)).jobId();
        UUID failed = client.submit(aFailingJob(1, false)).jobId();
        client.awaitStatus(echo, JobStatus.SUCCEEDED, SHORT);
        client.awaitStatus(failed, JobStatus.FAILED, SHORT);

        browser.signIn("/console/jobs", key);
        new Select(browser.waitFor(By.id("filter-status"))).selectByValue("FAILED");
        browser.waitFor(By.id("filter-type")).sendKeys("fail");
        browser.click(By.cssSelector("#job-filters button[type=submit]"));
        browser.waitForUrlContaining("status=FAILED");
        assertThat(browser.url()).endsWith("/console/jobs?status=FAILED&type=fail");
        browser.waitForText(By.id("jobs-table"), failed.toString());
        assertThat(rowIds()).containsExactly(failed.toString());

        browser.reload();
        browser.waitForText(By.id("jobs-table"), failed.toString());
        assertThat(new Select(browser.waitFor(By.id("filter-status"))).getFirstSelectedOption().getText())
                .isEqualTo("FAILED");
        assertThat(browser.waitFor(By.id("filter-type")).getAttribute("value")).isEqualTo("fail");
        assertThat(rowIds()).containsExactly(failed.toString());
        browser.screenshot("jobs-filtered");

        browser.go("/console/jobs?id=" + echo);
        browser.waitForText(By.id("jobs-table"), echo.toString());
        assertThat(rowIds()).containsExactly(echo.toString());
    }

    @Test
    void aSubmittedJobAppearsAndFinishesWithoutAReload() {
        browser.signIn("/console/jobs?type=sleep", key);
        browser.waitFor(By.id("job-list"));
        UUID job = client.submit(aSleepJob(Duration.ofSeconds(2))).jobId();
        browser.waitForText(By.id("jobs-table"), job.toString());
        browser.waitForText(By.xpath("//tr[.//code[text()='" + job + "']]"), "SUCCEEDED");
        assertThat(browser.url()).endsWith("/console/jobs?type=sleep");
    }

    @Test
    void aJobSubmittedElsewhereAppearsAndChangesStatusThroughTheOutcomeStream() {
        browser.signIn("/console/jobs?type=sleep", key);
        // the list says what keeps it current: "stream" once GET /api/v1/events answered, "poll" only without it
        browser.waitForAttribute(By.id("job-list"), "data-live", "stream");
        UUID job = client.submit(aSleepJob(Duration.ofSeconds(3))).jobId();
        By row = By.xpath("//tr[.//code[text()='" + job + "']]");
        browser.waitForText(row, "RUNNING");
        browser.waitForText(row, "SUCCEEDED");
        assertThat(browser.waitFor(By.id("job-list")).getAttribute("data-live")).isEqualTo("stream");
    }

    @Test
    void theJobPageShowsEveryAttemptAfterARetryAndAfterAReload() {
        UUID job = client.submit(aFailingJob(1, false)).jobId();
        client.awaitStatus(job, JobStatus.FAILED, SHORT);

        browser.signIn("/console/jobs/" + job, key);
        browser.waitForText(By.id("job-status"), "FAILED");
        assertThat(attemptRows()).hasSize(1);
        assertThat(browser.waitFor(By.id("job-trace")).getText()).matches("[0-9a-f]{32}");
        assertThat(browser.waitFor(By.id("job-error")).getText()).contains("NonRetryable");

        browser.click(By.id("retry-job"));
        browser.waitForText(By.id("job-status"), "SUCCEEDED");
        browser.waitForText(By.id("job-result"), "\"attempt\": 2");
        assertThat(attemptRows()).hasSize(2);
        browser.screenshot("job");

        browser.reload();
        browser.waitForText(By.id("job-status"), "SUCCEEDED");
        assertThat(attemptRows()).hasSize(2);
    }

    @Test
    void aRunningJobIsCancelledFromItsPage() {
        UUID job = client.submit(aSleepJob(Duration.ofMinutes(5))).jobId();
        browser.signIn("/console/jobs/" + job, key);
        browser.waitForText(By.id("job-status"), "RUNNING");
        browser.click(By.id("cancel-job"));
        browser.waitForText(By.id("job-status"), "CANCELLED");
        assertThat(browser.all(By.id("cancel-job"))).isEmpty();
        browser.waitFor(By.id("retry-job"));
        assertThat(client.job(job).path("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aHostilePayloadIsShownAsTextAndExecutesNothing() {
        String image = "<img src=x onerror=\"window.pwned=1\">";
        String script = "</script><script>window.pwned=2</script>";
        UUID job = client.submit(anEchoJob(json("{\"html\":" + quoted(image) + ",\"script\":" + quoted(script)
                + "}"))).jobId();
        client.awaitStatus(job, JobStatus.SUCCEEDED, SHORT);

        browser.signIn("/console/jobs/" + job, key);
        browser.waitForText(By.id("job-payload"), "<img src=x");
        assertThat(browser.waitFor(By.id("job-payload")).getText()).contains("</script><script>");
        assertThat(browser.waitFor(By.id("job-result")).getText()).contains("onerror");
        assertThat(browser.all(By.cssSelector("main img"))).isEmpty();
        assertThat(browser.all(By.cssSelector("main script"))).isEmpty();
        assertThat(browser.script("return typeof window.pwned")).isEqualTo("undefined");

        browser.go("/console/jobs?type=echo");
        browser.waitForText(By.id("jobs-table"), job.toString());
        assertThat(browser.script("return typeof window.pwned")).isEqualTo("undefined");
    }

    @Test
    void aBatchPageShowsItsCountsAndItsJobs() {
        Response batch = client.submitBatch(List.of(anEchoJobNumbered(1), anEchoJobNumbered(2)));
        assertThat(batch.status()).as("%s", batch).isEqualTo(202);
        String batchId = batch.json().path("batchId").asString();

        browser.signIn("/console/batches/" + batchId, key);
        browser.waitForText(By.id("batch-status"), "DONE");
        browser.waitForText(By.id("batch-jobs"), batch.json().path("jobs").get(1).path("id").asString());
        assertThat(browser.all(By.cssSelector("#batch-jobs tbody tr"))).hasSize(2);
        browser.screenshot("batch");
    }

    @Test
    void theBatchListLeadsToABatchPage() {
        Response batch = client.submitBatch(List.of(anEchoJobNumbered(3)));
        assertThat(batch.status()).as("%s", batch).isEqualTo(202);
        String batchId = batch.json().path("batchId").asString();

        browser.signIn("/console/jobs", key);
        browser.click(By.linkText("Batches"));
        browser.waitForUrlContaining("/console/batches");
        browser.waitForText(By.id("batches-table"), batchId);
        browser.screenshot("batches");
        browser.click(By.linkText(batchId));
        browser.waitForUrlContaining("/console/batches/" + batchId);
        browser.waitForText(By.id("batch-status"), "DONE");
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> rowIds() {
        return browser.all(By.cssSelector("#jobs-table tbody tr td:first-child")).stream().map(WebElement::getText)
                .toList();
    }

    private static List<WebElement> attemptRows() {
        return browser.all(By.cssSelector("#attempts-table tbody tr"));
    }
}
