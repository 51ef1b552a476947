package errand.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium, the system's ({@code /usr/bin/chromium} with {@code /usr/bin/chromedriver}; nothing is
 * downloaded), with a fresh profile, pointed at the console of one API. Screenshots go to
 * {@code tests/target/console-screenshots/}.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final URI base;
    private final Path profile;
    private final ChromeDriver driver;

    private ConsoleBrowser(URI base, Path profile, ChromeDriver driver) {
        this.base = base;
        this.profile = profile;
        this.driver = driver;
    }

    /** A browser 1280 px wide; fails (never skips) when the system has no Chromium. */
    static ConsoleBrowser open(URI apiBase) {
        assertThat(CHROMIUM).as("Chromium (Debian's chromium package; .ci/run installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (Debian's chromium-driver package; .ci/run installs it)")
                .isExecutable();
        try {
            Path profile = Files.createTempDirectory("errand-console-chromium");
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                    .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
            return new ConsoleBrowser(apiBase, profile, new ChromeDriver(service, options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a console path, such as {@code /console/jobs?status=FAILED}. */
    ConsoleBrowser go(String path) {
        driver.get(base.resolve(path).toString());
        return this;
    }

    /** Signs in on the page at {@code path} (which then shows the sign-in form) with {@code key}. */
    ConsoleBrowser signIn(String path, String key) {
        go(path);
        typeKey(key);
        waitFor(By.id("sign-out"));
        return this;
    }

    void typeKey(String key) {
        WebElement input = waitFor(By.id("api-key"));
        assertThat(driver.findElement(By.cssSelector("label[for=api-key]")).getText()).isEqualTo("API key");
        assertThat(input.getAttribute("type")).isEqualTo("password");
        input.sendKeys(key);
        driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    }

    WebElement waitFor(By locator) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    void waitForText(By locator, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /** Waits until the element's attribute (an SVG node's {@code data-status}, say) has the value. */
    void waitForAttribute(By locator, String attribute, String value) {
        new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(locator, attribute, value));
    }

    void waitForUrlContaining(String part) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains(part));
    }

    List<WebElement> all(By locator) {
        return driver.findElements(locator);
    }

    /** Clicks the element once it is clickable; a live page may redraw it meanwhile, so it is looked up again. */
    void click(By locator) {
        new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    String url() {
        return driver.getCurrentUrl();
    }

    String title() {
        return driver.getTitle();
    }

    void reload() {
        driver.navigate().refresh();
    }

    @Nullable Object script(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** Everything the tab keeps in sessionStorage and localStorage, and its cookies, as text. */
    String storedText() {
        return script("return JSON.stringify(Object.assign({}, sessionStorage)) + JSON.stringify(Object.assign({},"
                + " localStorage)) + document.cookie") + "";
    }

    void width(int pixels) {
        driver.manage().window().setSize(new Dimension(pixels, 900));
    }

    /** Saves what the browser shows as {@code target/console-screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a profile left in /tmp is harmless
            }
        }
    }
}
