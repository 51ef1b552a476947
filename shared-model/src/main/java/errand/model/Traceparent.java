package errand.model;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A W3C trace context ({@code traceparent} header, version 00): the trace a job belongs to travels with it from the
 * HTTP request through the broker to the worker and back with its events. Errand's apps create and continue spans
 * with Micrometer Tracing; this record is the header's format, for reading a stored value and for senders without a
 * tracer.
 *
 * @param traceId  32 lowercase hex digits, not all zero
 * @param parentId 16 lowercase hex digits, not all zero: the span that sent it
 * @param sampled  the sampled flag
 */
public record Traceparent(String traceId, String parentId, boolean sampled) {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    /** Parses a header value; empty when it is missing or malformed (a new trace is started then). */
    public static Optional<Traceparent> parse(@Nullable String header) {
        if (header == null) {
            return Optional.empty();
        }
        var match = FORMAT.matcher(header.trim().toLowerCase(Locale.ROOT));
        if (!match.matches() || match.group(1).equals(ZERO_TRACE) || match.group(2).equals(ZERO_SPAN)) {
            return Optional.empty();
        }
        boolean sampled = (Integer.parseInt(match.group(3), 16) & 1) == 1;
        return Optional.of(new Traceparent(match.group(1), match.group(2), sampled));
    }

    /** A new trace, sampled: for a sender without a tracer, so that its messages still carry a trace id. */
    public static Traceparent newTrace() {
        return new Traceparent(randomHex(16), randomHex(8), true);
    }

    public String header() {
        return "00-" + traceId + "-" + parentId + "-" + (sampled ? "01" : "00");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(random);
        } while (allZero(random));
        return HexFormat.of().formatHex(random);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
