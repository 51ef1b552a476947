package errand.tests.support;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import errand.model.WireJson;
import errand.tests.support.SseParser.SseEvent;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Follows a server-sent event stream in the background, as a long-lived client does, until it is closed or the
 * server ends it: every event and comment it saw can be read at any time. Resume elsewhere with
 * {@link #lastEventId()}.
 *
 * <p><b>Threading:</b> one virtual thread of its own reads the stream; queries may be called from any thread.
 */
public final class EventFollower implements AutoCloseable {

    private final HttpResponse<Stream<String>> response;
    private final List<SseEvent> events = new ArrayList<>();
    private final AtomicInteger comments = new AtomicInteger();
    private volatile boolean ended;
    private volatile @Nullable String lastEventId;
    private final Thread reader;

    private EventFollower(HttpResponse<Stream<String>> response, @Nullable String lastEventId) {
        this.response = response;
        this.lastEventId = lastEventId;
        SseParser parser = new SseParser(this::add, comments::incrementAndGet);
        this.reader = Thread.ofVirtual().name("event-follower").start(() -> {
            try (Stream<String> lines = response.body()) {
                lines.forEach(parser::accept);
            } catch (RuntimeException e) {
                // the stream broke: the server went, or close() cut it
            } finally {
                ended = true;
            }
        });
    }

    /** Opens {@code path} on {@code api}, resuming after {@code lastEventId} if not null. */
    public static EventFollower follow(ErrandClient api, String path, @Nullable String lastEventId) {
        HttpResponse<Stream<String>> response = api.openStream(path, lastEventId);
        if (response.statusCode() != 200) {
            String body;
            try (Stream<String> lines = response.body()) {
                body = String.join("\n", lines.toList());
            }
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + body);
        }
        return new EventFollower(response, lastEventId);
    }

    private void add(SseEvent event) {
        synchronized (events) {
            events.add(event);
        }
        if (event.id() != null) {
            lastEventId = event.id();
        }
    }

    public List<SseEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The data of every event named {@code name}, parsed. */
    public List<JsonNode> data(String name) {
        return events().stream().filter(event -> event.name().equals(name))
                .map(event -> WireJson.mapper().readTree(event.data())).toList();
    }

    public int comments() {
        return comments.get();
    }

    /** The id of the last event seen, or the one it resumed after if none came yet. */
    public @Nullable String lastEventId() {
        return lastEventId;
    }

    /** Whether the stream ended: the server closed it or went away. */
    public boolean ended() {
        return ended;
    }

    public int status() {
        return response.statusCode();
    }

    @Override
    public void close() {
        reader.interrupt();
        response.body().close();
    }
}
