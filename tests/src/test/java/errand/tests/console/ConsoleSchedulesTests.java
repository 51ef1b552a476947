package errand.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Schedules in a browser, in a tenant of this class's own: the list that leads to a schedule, an every-second
 * schedule's fire times filling in with their jobs, pause, resume and a trigger that asks first, and a key without the
 * schedules scope that is offered neither the page nor its buttons.
 */
class ConsoleSchedulesTests {

    private static final String SCHEDULES = "/api/v1/schedules";
    /** A yearly cron: such a schedule does not fire while a test runs, so only a trigger enqueues its job. */
    private static final String YEARLY = "0 0 1 1 *";

    @RegisterExtension
    @Order(1)
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @RegisterExtension
    @Order(2)
    static final ConsoleBrowser browser = ConsoleBrowser.of(platform);

    private static ErrandClient client;
    private static String key;
    private static String readKey;

    @BeforeAll
    static void keysOfATenantOfItsOwn() {
        String tenant = "console-sched-" + UUID.randomUUID().toString().substring(0, 8);
        key = platform.api().createKey(tenant, "jobs:read", "jobs:manage", "schedules");
        readKey = platform.api().createKey(tenant, "jobs:read");
        client = platform.api().withKey(key);
    }

    @AfterAll
    static void cleanUpTheTenant() {
        // a schedule left behind would go on firing into the shared platform
        client.get(SCHEDULES + "?limit=500").json().path("schedules").forEach(schedule ->
                client.delete(SCHEDULES + "/" + schedule.path("id").asString()));
        client.post("/api/v1/jobs/cancel", "application/json", "{}", null);
    }

    @Test
    void theListShowsACreatedScheduleAndLeadsToItsPage() {
        String name = "listed-" + UUID.randomUUID().toString().substring(0, 8);
        String id = create(name, YEARLY);

        browser.signIn("/console/schedules", key);
        browser.waitForText(By.id("schedules-table"), name);
        browser.waitForText(By.id("schedules-table"), YEARLY);
        browser.screenshot("schedules");
        browser.click(By.linkText(name));
        browser.waitForUrlContaining("/console/schedules/" + id);
        browser.waitForText(By.id("schedule-name"), name);
        browser.waitForText(By.id("schedule-state"), "active");
        browser.waitForText(By.id("schedule-runs"), "No fire times yet.");
    }

    @Test
    void anEverySecondSchedulesFireTimesFillInWithTheirJobs() {
        String id = create("every-second", "* * * * * *");
        try {
            browser.signIn("/console/schedules/" + id, key);
            browser.script("window.stillThisPage = true");
            browser.waitForText(By.id("runs-table"), "ENQUEUED");
            browser.waitForText(By.id("runs-table"), "SUCCEEDED");
            assertThat(browser.script("return window.stillThisPage")).as("filled in without a reload")
                    .isEqualTo(true);
            browser.screenshot("schedule");
        } finally {
            client.post(SCHEDULES + "/" + id + "/pause", "application/json", "", null);
        }
        browser.click(By.cssSelector("#runs-table tbody tr a"));
        browser.waitForUrlContaining("/console/jobs/");
        browser.waitFor(By.id("job-status"));
    }

    @Test
    void pauseResumeAndATriggerThatAsksFirst() {
        String id = create("controlled", YEARLY);
        String schedule = SCHEDULES + "/" + id;

        browser.signIn("/console/schedules/" + id, key);
        browser.click(By.id("pause-schedule"));
        browser.waitForText(By.id("schedule-state"), "paused");
        assertThat(client.get(schedule).json().path("paused").asBoolean()).isTrue();
        browser.click(By.id("resume-schedule"));
        browser.waitForText(By.id("schedule-state"), "active");
        assertThat(client.get(schedule).json().path("paused").asBoolean()).isFalse();

        browser.click(By.id("trigger-schedule"));
        browser.waitForText(By.id("schedule-confirm"), "Enqueue this schedule's job now");
        browser.click(By.id("dismiss-trigger"));
        assertThat(browser.all(By.id("confirm-trigger"))).isEmpty();
        assertThat(client.get(schedule + "/runs").json().path("runs")).isEmpty();

        browser.click(By.id("trigger-schedule"));
        browser.click(By.id("confirm-trigger"));
        String job = browser.waitFor(By.id("triggered-job")).getText();
        browser.waitForText(By.id("runs-table"), "(triggered)");
        browser.waitForText(By.id("runs-table"), job);
        assertThat(client.get(schedule + "/runs").json().path("runs").get(0).path("jobId").asString())
                .isEqualTo(job);
        browser.click(By.linkText("its jobs"));
        browser.waitForUrlContaining("schedule=" + id);
        browser.waitForText(By.id("jobs-table"), job);
        assertThat(browser.waitFor(By.id("filter-schedule")).getAttribute("value")).isEqualTo(id);
    }

    @Test
    void aKeyWithoutTheSchedulesScopeSeesNoSchedulesNorItsButtons() {
        String id = create("hidden", YEARLY);

        browser.signIn("/console/jobs", readKey);
        browser.waitFor(By.linkText("Jobs"));
        assertThat(browser.all(By.linkText("Schedules"))).isEmpty();
        browser.go("/console/schedules/" + id);
        browser.waitFor(By.cssSelector("#main .notice-error"));
        assertThat(browser.all(By.id("schedule-actions"))).isEmpty();
        assertThat(browser.all(By.id("trigger-schedule"))).isEmpty();

        browser.script("sessionStorage.clear()");
        browser.signIn("/console/jobs", key);
        browser.waitFor(By.linkText("Schedules"));
    }

    private static String create(String name, String cron) {
        Response created = client.post(SCHEDULES, "application/json", "{\"name\":\"" + name + "\",\"cron\":\"" + cron
                + "\",\"job\":{\"type\":\"echo\",\"payload\":{\"n\":1}}}", null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("id").asString();
    }
}
