package errand.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import errand.tests.support.ErrandPlatform;
import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Task types, workers and the overview in a browser: a job submitted through the form built from the type's JSON
 * Schema, with the API's validation error beside the field it names; the live workers; the pages at a phone's
 * width.
 */
class ConsoleTaskTypesTests {

    @RegisterExtension
    @Order(1)
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @RegisterExtension
    @Order(2)
    static final ConsoleBrowser browser = ConsoleBrowser.of(platform);

    private static String key;

    @BeforeAll
    static void aKeyOfATenantOfItsOwn() {
        key = platform.api().createKey("console-types-" + UUID.randomUUID().toString().substring(0, 8),
                "jobs:submit", "jobs:read");
    }

    @Test
    void theSchemaFormShowsTheApisErrorBesideTheFieldAndThenSubmits() {
        browser.signIn("/console/task-types", key);
        browser.waitForText(By.id("task-types-table"), "prime-count");
        browser.screenshot("task-types");
        browser.click(By.linkText("prime-count"));
        browser.waitForUrlContaining("/console/task-types/prime-count");
        WebElement upTo = browser.waitFor(By.id("payload-upTo"));
        assertThat(browser.waitFor(By.cssSelector("label[for=payload-upTo]")).getText()).startsWith("upTo");
        upTo.clear();
        upTo.sendKeys("0");
        browser.click(By.id("submit-job"));
        browser.waitForText(By.id("error-upTo"), "minimum");
        assertThat(upTo.getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("task-type-form-error");

        upTo.clear();
        upTo.sendKeys("1000");
        browser.click(By.id("submit-job"));
        browser.waitForText(By.id("submit-outcome"), "Submitted job");
        assertThat(browser.waitFor(By.id("error-upTo")).getText()).isEmpty();
        browser.click(By.cssSelector("#submit-outcome a"));
        browser.waitForText(By.id("job-status"), "SUCCEEDED");
        browser.waitForText(By.id("job-result"), "168");
    }

    @Test
    void theWorkersPageShowsTheLiveWorkersToAnAdmin() {
        browser.signIn("/console/workers", PlatformApps.BOOTSTRAP_KEY);
        browser.waitForText(By.id("workers-table"), "LIVE");
        String table = browser.waitFor(By.id("workers-table")).getText();
        assertThat(table).contains("echo", "prime-count", "sleep");
        browser.screenshot("workers");

        browser.go("/console/");
        browser.waitFor(By.id("by-status-table"));
        browser.screenshot("overview");
        browser.width(390);
        browser.reload();
        browser.waitFor(By.id("by-status-table"));
        assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling at 390 px").isEqualTo(true);
        browser.screenshot("overview-390px");
    }
}
