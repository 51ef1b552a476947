package errand.tests.support;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches {@code /actuator/health/readiness} of some apps in the background, recording every change of its HTTP
 * status (200 ready, 503 not ready, -1 no answer), so a test can tell whether an app said it was not ready during a
 * fault, and when it said it was ready again.
 *
 * <p><b>Threading:</b> one scheduler thread of its own; queries may be called from any thread.
 */
public final class ReadinessWatch implements AutoCloseable {

    /** A change of an app's readiness status. */
    public record Change(Instant at, int status) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private final List<AppProcess> apps;
    private final Map<String, List<Change>> changes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("readiness-watch").daemon(true).factory());

    private ReadinessWatch(List<AppProcess> apps, Duration interval) {
        this.apps = List.copyOf(apps);
        apps.forEach(app -> changes.put(app.name(), new CopyOnWriteArrayList<>()));
        scheduler.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static ReadinessWatch of(List<AppProcess> apps, Duration interval) {
        return new ReadinessWatch(apps, interval);
    }

    private void sample() {
        for (AppProcess app : apps) {
            int status = readiness(app);
            List<Change> history = changes.get(app.name());
            if (history.isEmpty() || history.getLast().status() != status) {
                history.add(new Change(Instant.now(), status));
            }
        }
    }

    /** The readiness status of {@code app} right now: 200, 503, or -1 for no answer. */
    public static int readiness(AppProcess app) {
        try {
            HttpRequest request = HttpRequest.newBuilder(app.managementUri().resolve("/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(15)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Every change of {@code app}'s status seen so far, the first one being its status when watching began. */
    public List<Change> changes(AppProcess app) {
        return List.copyOf(changes.get(app.name()));
    }

    /** Whether {@code app} answered {@code status} at some point at or after {@code since}. */
    public boolean saw(AppProcess app, int status, Instant since) {
        List<Change> history = changes(app);
        for (int i = 0; i < history.size(); i++) {
            Change change = history.get(i);
            Instant until = i + 1 < history.size() ? history.get(i + 1).at() : Instant.MAX;
            if (change.status() == status && until.isAfter(since)) {
                return true;
            }
        }
        return false;
    }

    /** When {@code app} last became ready, if it is ready now. */
    public Instant readySince(AppProcess app) {
        List<Change> history = changes(app);
        if (history.isEmpty() || history.getLast().status() != 200) {
            throw new IllegalStateException(app.name() + " is not ready: " + history);
        }
        return history.getLast().at();
    }

    public String describe() {
        List<String> lines = new ArrayList<>();
        apps.forEach(app -> lines.add(app.name() + " " + changes(app)));
        return String.join("; ", lines);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
