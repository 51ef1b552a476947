package errand.bench.systems;

import java.util.List;

import errand.bench.json.Json;
import errand.testsupport.ErrandTestServices.Isolated;
import tools.jackson.databind.JsonNode;

/**
 * Spy queues on Errand's exchanges during the warm-up's burn-down: the body sizes and the messages per job that
 * PerfTest then reproduces.
 */
public final class MessageSpy {

    private static final String JOBS = "bench.spy.jobs";
    private static final String RESULTS = "bench.spy.results";

    /** What the spy saw, written as message-pattern.json. */
    public record MessagePattern(long jobsSeen, long eventsSeen, long jobMessageBytes, long eventMessageBytes,
            double messagesPerJob, long meanMessageBytes) {

        /** From the queue totals (read before the samples were taken) and the sampled messages' body sizes. */
        public static MessagePattern of(long jobsTotal, long resultsTotal, List<Long> jobBytes,
                List<Long> eventBytes) {
            double job = mean(jobBytes);
            double event = mean(eventBytes);
            double eventsPerJob = jobsTotal == 0 ? 2 : resultsTotal / (double) jobsTotal;
            double perJob = 1 + eventsPerJob;
            return new MessagePattern(jobsTotal, resultsTotal, Math.round(job), Math.round(event),
                    Math.round(perJob * 100) / 100.0, Math.round((job + eventsPerJob * event) / perJob));
        }

        private static double mean(List<Long> values) {
            return values.stream().mapToLong(Long::longValue).average().orElse(0);
        }
    }

    private final Isolated vhost;

    public MessageSpy(Isolated vhost) {
        this.vhost = vhost;
    }

    public void start() {
        String v = vhost.vhost();
        vhost.management("PUT", "/api/queues/" + v + "/" + JOBS, "{\"durable\":false,\"auto_delete\":false}");
        vhost.management("PUT", "/api/queues/" + v + "/" + RESULTS, "{\"durable\":false,\"auto_delete\":false}");
        vhost.management("POST", "/api/bindings/" + v + "/e/errand.jobs/q/" + JOBS, "{\"routing_key\":\"echo\"}");
        vhost.management("POST", "/api/bindings/" + v + "/e/errand.results/q/" + RESULTS, "{\"routing_key\":\"\"}");
    }

    public MessagePattern finish() throws InterruptedException {
        String v = vhost.vhost();
        long previous = -1;
        // queue totals come with the management stats (every 5 s): wait until the count holds still
        for (int i = 0; i < 20; i++) {
            Thread.sleep(3000);
            long current = messages(RESULTS);
            if (current == previous && current > 0) {
                break;
            }
            previous = current;
        }
        long resultsTotal = messages(RESULTS);
        long jobsTotal = messages(JOBS);
        String get = "{\"count\":400,\"ackmode\":\"ack_requeue_false\",\"encoding\":\"auto\",\"truncate\":50}";
        List<Long> jobBytes = payloadBytes(vhost.management("POST", "/api/queues/" + v + "/" + JOBS + "/get", get));
        List<Long> eventBytes = payloadBytes(vhost.management("POST", "/api/queues/" + v + "/" + RESULTS + "/get",
                get));
        vhost.management("DELETE", "/api/queues/" + v + "/" + JOBS, null);
        vhost.management("DELETE", "/api/queues/" + v + "/" + RESULTS, null);
        return MessagePattern.of(jobsTotal, resultsTotal, jobBytes, eventBytes);
    }

    private long messages(String queue) {
        return Json.tree(vhost.management("GET", "/api/queues/" + vhost.vhost() + "/" + queue + "?columns=messages",
                null)).path("messages").asLong(0);
    }

    /** The {@code payload_bytes} of each message in a management API {@code /get} answer. */
    static List<Long> payloadBytes(String json) {
        List<Long> sizes = new java.util.ArrayList<>();
        for (JsonNode message : Json.tree(json)) {
            sizes.add(message.path("payload_bytes").asLong(0));
        }
        return sizes;
    }
}
