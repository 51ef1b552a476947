package errand.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

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
import tools.jackson.databind.JsonNode;

/**
 * Workflows in a browser, in a tenant of this class's own: a fan-in drawn as its graph whose steps turn SUCCEEDED
 * without a reload, a failing workflow's FAILED and CANCELLED steps, a cancel that asks first, no cancel for a
 * read-only key, the list that leads to a workflow and to its steps' jobs, and the list's cursor paging.
 */
class ConsoleWorkflowsTests {

    private static final String WORKFLOWS = "/api/v1/workflows";

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
        String tenant = "console-wf-" + UUID.randomUUID().toString().substring(0, 8);
        key = platform.api().createKey(tenant, "jobs:submit", "jobs:read", "jobs:manage");
        readKey = platform.api().createKey(tenant, "jobs:read");
        client = platform.api().withKey(key);
    }

    @AfterAll
    static void cleanUpTheTenant() {
        // the shared platform's settling cancels only the default tenant's jobs
        client.post("/api/v1/jobs/cancel", "application/json", "{}", null);
    }

    @Test
    void aFanInIsDrawnAsItsGraphAndItsStepsTurnSucceededWithoutAReload() {
        // b sleeps long enough for the page to show it running and sum waiting on it
        UUID id = submit("""
                {"name": "fan-in", "steps": [
                  {"id": "a", "type": "echo", "payload": {"n": 1}},
                  {"id": "b", "type": "sleep", "payload": {"millis": 8000}},
                  {"id": "sum", "type": "echo", "payload": {"all": {"$from": ["a", "b"]}},
                   "dependsOn": ["a", "b"]}]}""");

        browser.signIn("/console/workflows/" + id, key);
        browser.waitForAttribute(node("b"), "data-status", "RUNNING");
        browser.waitForAttribute(node("sum"), "data-status", "WAITING");
        assertThat(browser.all(By.cssSelector("#workflow-graph path.edge"))).hasSize(2);
        assertThat(column("a")).isEqualTo(column("b")).isLessThan(column("sum"));
        assertThat(browser.waitFor(node("sum")).getDomProperty("textContent")).contains("sum").contains("WAITING");
        browser.script("window.stillThisPage = true");

        for (String step : List.of("a", "b", "sum")) {
            browser.waitForAttribute(node(step), "data-status", "SUCCEEDED");
        }
        browser.waitForText(By.id("workflow-status"), "SUCCEEDED");
        assertThat(browser.script("return window.stillThisPage")).as("updated without a reload").isEqualTo(true);
        browser.screenshot("workflow");

        String sumJob = step(client.get(WORKFLOWS + "/" + id).json().path("steps"), "sum").path("jobId").asString();
        browser.click(By.cssSelector("#workflow-graph [data-step='sum'] a"));
        browser.waitForUrlContaining("/console/jobs/" + sumJob);
        browser.waitForText(By.id("job-status"), "SUCCEEDED");
        browser.waitForText(By.id("job-workflow"), "sum");
    }

    @Test
    void aFailingWorkflowShowsItsFailedStepAndTheStepsItCancelled() {
        UUID id = submit("""
                {"steps": [
                  {"id": "bad", "type": "fail", "payload": {"failTimes": 5, "retryable": false}},
                  {"id": "slow", "type": "sleep", "payload": {"millis": 60000}},
                  {"id": "after", "type": "echo", "payload": {"n": 1}, "dependsOn": ["bad"]}]}""");

        browser.signIn("/console/workflows/" + id, key);
        browser.waitForAttribute(node("bad"), "data-status", "FAILED");
        browser.waitForAttribute(node("slow"), "data-status", "CANCELLED");
        browser.waitForAttribute(node("after"), "data-status", "CANCELLED");
        browser.waitForText(By.id("workflow-status"), "FAILED");
        browser.waitForText(By.id("steps-table"), "bad");
        assertThat(browser.all(By.id("cancel-workflow"))).as("an ended workflow has nothing to cancel").isEmpty();
        assertThat(browser.all(By.cssSelector("#workflow-graph [data-step='after'] a")))
                .as("a step that never ran has no job to link to").isEmpty();
    }

    @Test
    void aRunningWorkflowIsCancelledFromItsPageOnlyAfterConfirming() {
        UUID id = submit("""
                {"steps": [
                  {"id": "long", "type": "sleep", "payload": {"millis": 300000}},
                  {"id": "next", "type": "echo", "payload": {"n": 1}, "dependsOn": ["long"]}]}""");

        browser.signIn("/console/workflows/" + id, key);
        browser.waitForAttribute(node("long"), "data-status", "RUNNING");
        browser.click(By.id("cancel-workflow"));
        browser.waitForText(By.id("workflow-confirm"), "Cancel this workflow?");
        browser.click(By.id("dismiss-cancel"));
        assertThat(browser.all(By.id("confirm-cancel"))).isEmpty();
        assertThat(client.get(WORKFLOWS + "/" + id).json().path("status").asString()).isEqualTo("RUNNING");

        browser.click(By.id("cancel-workflow"));
        browser.click(By.id("confirm-cancel"));
        browser.waitForText(By.id("workflow-status"), "CANCELLED");
        browser.waitForAttribute(node("long"), "data-status", "CANCELLED");
        browser.waitForAttribute(node("next"), "data-status", "CANCELLED");
        assertThat(browser.all(By.id("cancel-workflow"))).isEmpty();
        assertThat(client.get(WORKFLOWS + "/" + id).json().path("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aReadOnlyKeySeesTheGraphButNoCancel() {
        UUID id = submit("""
                {"steps": [{"id": "long", "type": "sleep", "payload": {"millis": 300000}}]}""");
        try {
            browser.signIn("/console/workflows/" + id, readKey);
            browser.waitForAttribute(node("long"), "data-status", "RUNNING");
            browser.waitForText(By.id("workflow-status"), "RUNNING");
            assertThat(browser.all(By.id("cancel-workflow"))).isEmpty();
        } finally {
            client.post(WORKFLOWS + "/" + id + "/cancel", "application/json", "", null);
        }
    }

    @Test
    void theListLinksToEachWorkflowAndItsStepsJobsKeepTheFilterInTheUrl() {
        UUID id = submit("""
                {"name": "listed", "steps": [{"id": "only", "type": "echo", "payload": {"n": 1}}]}""");

        browser.signIn("/console/workflows", key);
        browser.waitForText(By.id("workflows-table"), id.toString());
        browser.click(By.linkText(id.toString()));
        browser.waitForUrlContaining("/console/workflows/" + id);
        browser.waitForAttribute(node("only"), "data-status", "SUCCEEDED");

        browser.click(By.linkText("its steps' jobs"));
        browser.waitForUrlContaining("workflow=" + id);
        String job = step(client.get(WORKFLOWS + "/" + id).json().path("steps"), "only").path("jobId").asString();
        browser.waitForText(By.id("jobs-table"), job);
        assertThat(browser.all(By.cssSelector("#jobs-table tbody tr"))).hasSize(1);
        browser.reload();
        browser.waitForText(By.id("jobs-table"), job);
        assertThat(browser.waitFor(By.id("filter-workflow")).getAttribute("value")).isEqualTo(id.toString());
    }

    @Test
    void theListPagesByCursor() {
        // one more than a page: the console asks for 50 at a time
        List<String> submitted = IntStream.range(0, 51).mapToObj(i -> submit(
                "{\"steps\": [{\"id\": \"one\", \"type\": \"echo\", \"payload\": {\"n\": " + i + "}}]}")
                .toString()).toList();

        browser.signIn("/console/workflows", key);
        browser.waitForText(By.id("workflows-table"), submitted.getLast());
        List<String> newest = listedIds();
        assertThat(newest).hasSize(50);
        browser.click(By.linkText("Older"));
        browser.waitForUrlContaining("after=" + newest.getLast());
        browser.waitFor(By.linkText("Newest"));
        List<String> older = listedIds();
        assertThat(older).isNotEmpty().doesNotContainAnyElementsOf(newest);
        assertThat(Stream.concat(newest.stream(), older.stream()).toList()).containsAll(submitted);
    }

    /** The listed ids, read in one script: the list re-reads itself every few seconds, replacing its rows. */
    private static List<String> listedIds() {
        Object ids = browser.script("return Array.from(document.querySelectorAll("
                + "'#workflows-table tbody tr td:first-child'), cell => cell.textContent)");
        assertThat(ids).isInstanceOf(List.class);
        return ((List<?>) ids).stream().map(String::valueOf).toList();
    }

    private static UUID submit(String body) {
        Response submitted = client.post(WORKFLOWS, "application/json", body, null);
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        return UUID.fromString(submitted.json().path("id").asString());
    }

    private static By node(String step) {
        return By.cssSelector("#workflow-graph [data-step='" + step + "']");
    }

    /** The node's x offset, from its translate(x,y): equal for steps in one column, larger to the right. */
    private static int column(String step) {
        WebElement node = browser.waitFor(node(step));
        String transform = node.getAttribute("transform");
        assertThat(transform).startsWith("translate(");
        return Integer.parseInt(transform.substring("translate(".length(), transform.indexOf(',')));
    }

    private static JsonNode step(JsonNode steps, String id) {
        for (JsonNode step : steps) {
            if (step.path("id").asString().equals(id)) {
                return step;
            }
        }
        throw new AssertionError("no step " + id + " in " + steps);
    }
}
