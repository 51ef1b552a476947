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
import java.util.Objects;
import java.util.stream.Stream;

import errand.tests.support.ErrandPlatform;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.selenium.BrowserWebDriverContainer;

/**
 * One headless Chromium with a fresh profile, pointed at the console of the platform's API, for one test class: opened
 * before the class's tests, back on the console signed out (its tab's key forgotten) and 1280 px wide before each,
 * and closed after them. Registered after the platform ({@code @Order}), so the API is up when it opens.
 *
 * <p>The one place the browser is chosen, as {@code ErrandTestServices} chooses the broker and database: the system's
 * Chromium ({@code /usr/bin/chromium} with {@code /usr/bin/chromedriver}, Debian's packages; nothing is downloaded)
 * where it is installed, else, where a Docker engine runs, Testcontainers' browser container, which reaches the API on
 * the host through {@code host.testcontainers.internal}. With neither, the test fails. Screenshots go to
 * {@code tests/target/console-screenshots/}.
 */
final class ConsoleBrowser implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Chromium in Selenium's image; the driver speaks W3C WebDriver, so the client's version need not match. */
    private static final String BROWSER_IMAGE = "selenium/standalone-chromium:latest";

    private final ErrandPlatform platform;
    private @Nullable Opened opened;

    private ConsoleBrowser(ErrandPlatform platform) {
        this.platform = platform;
    }

    /** The browser of a test class that uses {@code platform}; register it as an extension after the platform. */
    static ConsoleBrowser of(ErrandPlatform platform) {
        return new ConsoleBrowser(platform);
    }

    /** A browser and what it holds besides its driver: a profile folder, or a container. */
    private record Opened(URI base, RemoteWebDriver driver, Runnable release) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        opened = open(platform.api().baseUri());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        width(1280);
        go("/console/");
        script("sessionStorage.clear()");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Opened closing = opened;
        opened = null;
        if (closing != null) {
            try {
                closing.driver().quit();
            } finally {
                closing.release().run();
            }
        }
    }

    private RemoteWebDriver driver() {
        return opened().driver();
    }

    private Opened opened() {
        return Objects.requireNonNull(opened, "the browser opens before the class's tests and closes after them");
    }

    /** A browser 1280 px wide; fails (never skips) when there is neither a local Chromium nor a Docker engine. */
    private static Opened open(URI apiBase) {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return local(apiBase);
        }
        assertThat(DockerClientFactory.instance().isDockerAvailable())
                .as("a browser: Debian's chromium and chromium-driver packages (.ci/run installs them), or a Docker "
                        + "engine for Testcontainers' browser container")
                .isTrue();
        return inContainer(apiBase);
    }

    private static Opened local(URI apiBase) {
        try {
            Path profile = Files.createTempDirectory("errand-console-chromium");
            ChromeOptions options = headless().setBinary(CHROMIUM.toFile()).addArguments("--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
            return new Opened(apiBase, new ChromeDriver(service, options), () -> deleteTree(profile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Opened inContainer(URI apiBase) {
        Testcontainers.exposeHostPorts(apiBase.getPort());
        BrowserWebDriverContainer container = new BrowserWebDriverContainer(BROWSER_IMAGE);
        container.start();
        URI fromContainer = URI.create("http://host.testcontainers.internal:" + apiBase.getPort() + "/");
        return new Opened(fromContainer, new RemoteWebDriver(container.getSeleniumAddress(), headless()),
                container::stop);
    }

    private static ChromeOptions headless() {
        return new ChromeOptions().addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900");
    }

    /** Loads a console path, such as {@code /console/jobs?status=FAILED}. */
    ConsoleBrowser go(String path) {
        driver().get(opened().base().resolve(path).toString());
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
        assertThat(driver().findElement(By.cssSelector("label[for=api-key]")).getText()).isEqualTo("API key");
        assertThat(input.getAttribute("type")).isEqualTo("password");
        input.sendKeys(key);
        driver().findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    }

    WebElement waitFor(By locator) {
        return new WebDriverWait(driver(), WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    void waitForText(By locator, String text) {
        new WebDriverWait(driver(), WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /** Waits until the element's attribute (an SVG node's {@code data-status}, say) has the value. */
    void waitForAttribute(By locator, String attribute, String value) {
        new WebDriverWait(driver(), WAIT).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(locator, attribute, value));
    }

    void waitForUrlContaining(String part) {
        new WebDriverWait(driver(), WAIT).until(ExpectedConditions.urlContains(part));
    }

    List<WebElement> all(By locator) {
        return driver().findElements(locator);
    }

    /** Clicks the element once it is clickable; a live page may redraw it meanwhile, so it is looked up again. */
    void click(By locator) {
        new WebDriverWait(driver(), WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    String url() {
        return driver().getCurrentUrl();
    }

    String title() {
        return driver().getTitle();
    }

    void reload() {
        driver().navigate().refresh();
    }

    @Nullable Object script(String script) {
        return ((JavascriptExecutor) driver()).executeScript(script);
    }

    /** Everything the tab keeps in sessionStorage and localStorage, and its cookies, as text. */
    String storedText() {
        return script("return JSON.stringify(Object.assign({}, sessionStorage)) + JSON.stringify(Object.assign({},"
                + " localStorage)) + document.cookie") + "";
    }

    void width(int pixels) {
        driver().manage().window().setSize(new Dimension(pixels, 900));
    }

    /** Saves what the browser shows as {@code target/console-screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver().getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a profile left in /tmp is harmless
        }
    }
}
