package errand.tests.support;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Reads a server-sent event stream line by line, as a browser's {@code EventSource} does: {@code id:}, {@code event:}
 * and {@code data:} fields make an event, a blank line dispatches it, and a line starting with {@code :} is a
 * comment.
 *
 * <p><b>Threading:</b> not thread-safe: one reader thread feeds it.
 */
public final class SseParser {

    /** One dispatched event: its id (null if it had none), its name ({@code message} by default) and its data. */
    public record SseEvent(@Nullable String id, String name, String data) {
    }

    private final Consumer<SseEvent> onEvent;
    private final Runnable onComment;
    private final StringBuilder data = new StringBuilder();
    private @Nullable String id;
    private String name = "message";
    private boolean hasData;

    public SseParser(Consumer<SseEvent> onEvent, Runnable onComment) {
        this.onEvent = onEvent;
        this.onComment = onComment;
    }

    public void accept(String line) {
        if (line.isEmpty()) {
            if (hasData) {
                onEvent.accept(new SseEvent(id, name, data.toString()));
            }
            data.setLength(0);
            hasData = false;
            id = null;
            name = "message";
        } else if (line.startsWith(":")) {
            onComment.run();
        } else if (line.startsWith("data:")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(valueOf(line, "data:"));
            hasData = true;
        } else if (line.startsWith("id:")) {
            id = valueOf(line, "id:");
        } else if (line.startsWith("event:")) {
            name = valueOf(line, "event:");
        }
    }

    private static String valueOf(String line, String field) {
        String value = line.substring(field.length());
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
