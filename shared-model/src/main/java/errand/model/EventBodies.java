package errand.model;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;

/**
 * What a message on {@code errand.results} carries: one job event (a JSON object), or a set of them (a JSON array of
 * events). A worker sends the outcomes that are ready at the same moment as one set, so the broker stores, confirms,
 * delivers and acknowledges one message for them instead of one each. Each event of a set is read on its own, exactly
 * as if it had come alone, so one bad event never spoils the others of its set.
 */
public final class EventBodies {

    /**
     * Splits without judging the events: a repeated key inside one is for {@link WireJson#read} to refuse, for that
     * event alone, so this parser does not check for them.
     */
    private static final JsonFactory SPLITTER = JsonFactory.builder().build();

    private EventBodies() {
    }

    /**
     * The event bodies of one message: the body itself unless it is a JSON array, else each element's bytes.
     *
     * @throws JacksonException if the body is an array that is not well-formed JSON, or has anything after it
     */
    public static List<byte[]> split(byte[] body) {
        if (!isSet(body)) {
            return List.of(body);
        }
        List<byte[]> events = new ArrayList<>();
        try (JsonParser parser = SPLITTER.createParser(body)) {
            parser.nextToken();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                events.add(Arrays.copyOfRange(body, start, end));
            }
            if (parser.nextToken() != null) {
                throw new StreamReadException(parser, "Unexpected content after a set of job events");
            }
        }
        return events;
    }

    /** One body for several events, each already written by {@link WireJson#write}: a JSON array of them. */
    public static byte[] join(List<byte[]> events) {
        int size = events.size() + 1;
        for (byte[] event : events) {
            size += event.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(events.get(i));
        }
        out.write(']');
        return out.toByteArray();
    }

    private static boolean isSet(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '[';
            }
        }
        return false;
    }
}
