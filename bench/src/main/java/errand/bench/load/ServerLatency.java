package errand.bench.load;

import java.util.Map;
import java.util.TreeMap;

/**
 * The submit latency as the API itself records it: its {@code http.server.requests} histogram for accepted single
 * submits ({@code POST /api/v1/jobs}, 202), read from {@code /actuator/prometheus} before and after a workload. Beside
 * the client's figure it tells where a queue is: time the client counts but the server does not was spent in the
 * client, the network or before the request reached the server's filters (the kernel's accept queue, Tomcat's
 * poller); time both count was spent in the API.
 */
final class ServerLatency {

    private static final String BUCKET = "http_server_requests_seconds_bucket{";

    /** Cumulative counts by upper bound in seconds, as the histogram reads at one moment. */
    record Snapshot(TreeMap<Double, Long> buckets) {

        /**
         * The histogram's upper bound (ms) under which {@code p} of the requests since {@code before} ended; its
         * largest finite bound (30 s by default) when they took longer.
         */
        double percentileMillisSince(Snapshot before, double p) {
            TreeMap<Double, Long> delta = new TreeMap<>();
            buckets.forEach((le, count) -> delta.put(le, count - before.buckets.getOrDefault(le, 0L)));
            long total = delta.isEmpty() ? 0 : delta.lastEntry().getValue();
            if (total == 0) {
                return 0;
            }
            for (Map.Entry<Double, Long> bucket : delta.entrySet()) {
                if (bucket.getValue() >= p * total && Double.isFinite(bucket.getKey())) {
                    return bucket.getKey() * 1000;
                }
            }
            Double largest = delta.lowerKey(Double.POSITIVE_INFINITY);
            return largest == null ? 0 : largest * 1000;
        }
    }

    private ServerLatency() {
    }

    /** The accepted single submits' buckets in a Prometheus text exposition (empty when it has none). */
    static Snapshot parse(String exposition) {
        TreeMap<Double, Long> buckets = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(BUCKET) && line.contains("method=\"POST\"") && line.contains("status=\"202\"")
                    && line.contains("uri=\"/api/v1/jobs\"")) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                long count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                buckets.merge(upper, count, Long::sum);
            }
        }
        return new Snapshot(buckets);
    }
}
