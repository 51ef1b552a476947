package errand.tests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an OpenTelemetry Collector: an OTLP/HTTP endpoint ({@code POST /v1/traces}, protobuf) that keeps
 * every span the apps export, as the README's {@code MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT} would
 * send them to Jaeger or Tempo. The few fields tests need are read straight from the protobuf wire format (field
 * numbers from {@code opentelemetry/proto/trace/v1/trace.proto}), so no generated classes are needed.
 *
 * <p><b>Threading:</b> requests are handled on the server's own thread; {@link #spans()} may be called from any
 * thread and sees every span received so far.
 */
public final class OtlpCollector implements AutoCloseable {

    /** One exported span; ids are lower-case hex, {@code parentSpanId} is empty for a root span. */
    public record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            int kind, Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpCollector(HttpServer server) {
        this.server = server;
    }

    /** Listens on a free local port. */
    public static OtlpCollector start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpCollector collector = new OtlpCollector(server);
            server.createContext("/v1/traces", collector::receive);
            server.start();
            return collector;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint to configure: {@code http://127.0.0.1:<port>/v1/traces}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    public List<ExportedSpan> spans() {
        return List.copyOf(spans);
    }

    public List<ExportedSpan> spansOfTrace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            // ExportTraceServiceRequest: 1 = ResourceSpans
            for (byte[] resourceSpans : new Fields(body).all(1)) {
                Fields resource = new Fields(resourceSpans);
                String service = attributes(new Fields(resource.first(1))).getOrDefault("service.name", "");
                // ResourceSpans: 2 = ScopeSpans; ScopeSpans: 2 = Span
                for (byte[] scopeSpans : resource.all(2)) {
                    for (byte[] span : new Fields(scopeSpans).all(2)) {
                        spans.add(span(service, new Fields(span)));
                    }
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, 0); // an empty ExportTraceServiceResponse: all accepted
        }
    }

    /** Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes. */
    private static ExportedSpan span(String service, Fields span) {
        HexFormat hex = HexFormat.of();
        return new ExportedSpan(service, hex.formatHex(span.first(1)), hex.formatHex(span.first(2)),
                hex.formatHex(span.first(4)), new String(span.first(5), StandardCharsets.UTF_8),
                (int) span.varint(6), attributes(span.all(9)));
    }

    /** Resource: 1 = KeyValue attributes. */
    private static Map<String, String> attributes(Fields resource) {
        return attributes(resource.all(1));
    }

    /** KeyValue: 1 key, 2 AnyValue (1 string, 2 bool, 3 int64); other kinds are kept as "?". */
    private static Map<String, String> attributes(List<byte[]> keyValues) {
        Map<String, String> attributes = new HashMap<>();
        for (byte[] keyValue : keyValues) {
            Fields pair = new Fields(keyValue);
            Fields value = new Fields(pair.first(2));
            String text = value.has(1) ? new String(value.first(1), StandardCharsets.UTF_8)
                    : value.has(2) ? String.valueOf(value.varint(2) != 0)
                    : value.has(3) ? String.valueOf(value.varint(3)) : "?";
            attributes.put(new String(pair.first(1), StandardCharsets.UTF_8), text);
        }
        return attributes;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The fields of one protobuf message: length-delimited ones as bytes, varints as numbers. */
    private static final class Fields {

        private final Map<Integer, List<byte[]>> bytes = new HashMap<>();
        private final Map<Integer, Long> varints = new HashMap<>();

        Fields(byte[] message) {
            int[] at = {0};
            while (at[0] < message.length) {
                long key = readVarint(message, at);
                int field = (int) (key >>> 3);
                switch ((int) (key & 7)) {
                    case 0 -> varints.put(field, readVarint(message, at));
                    case 1 -> at[0] += 8;
                    case 2 -> {
                        int length = (int) readVarint(message, at);
                        bytes.computeIfAbsent(field, f -> new java.util.ArrayList<>())
                                .add(java.util.Arrays.copyOfRange(message, at[0], at[0] + length));
                        at[0] += length;
                    }
                    case 5 -> at[0] += 4;
                    default -> throw new IllegalStateException("Unsupported protobuf wire type in " + key);
                }
            }
        }

        boolean has(int field) {
            return bytes.containsKey(field) || varints.containsKey(field);
        }

        List<byte[]> all(int field) {
            return bytes.getOrDefault(field, List.of());
        }

        byte[] first(int field) {
            List<byte[]> values = all(field);
            return values.isEmpty() ? new byte[0] : values.getFirst();
        }

        long varint(int field) {
            return varints.getOrDefault(field, 0L);
        }

        private static long readVarint(byte[] message, int[] at) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = message[at[0]++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }
    }
}
