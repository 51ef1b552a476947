package errand.bench.load;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * What a client sent and what it read back: each job's expected result, and every job it read. The gate needs every
 * job read exactly once, SUCCEEDED, with its expected result; a job read twice, or one it never sent, shows.
 */
final class ResultLedger {

    /** The read-back as the gate counts it: {@code read} counts every job of every page, repeats included. */
    record Tally(long read, long distinct, long succeeded, long correct, long failed, long unknown) {

        long duplicates() {
            return read - distinct - unknown;
        }
    }

    private final Map<String, JsonNode> expected = new ConcurrentHashMap<>();
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
    private final Set<String> correct = ConcurrentHashMap.newKeySet();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();

    void expect(String jobId, JsonNode result) {
        expected.put(jobId, result);
    }

    /** One job of a page ({@code {"id", "status", "result", ...}}). */
    void read(JsonNode job) {
        read.incrementAndGet();
        String id = job.path("id").asString("");
        JsonNode want = expected.get(id);
        if (want == null) {
            unknown.incrementAndGet();
            return;
        }
        seen.put(id, Boolean.TRUE);
        String status = job.path("status").asString("");
        if (status.equals("SUCCEEDED")) {
            succeeded.incrementAndGet();
            if (want.equals(job.path("result"))) {
                correct.add(id);
            }
        } else if (status.equals("FAILED")) {
            failed.incrementAndGet();
        }
    }

    Tally tally() {
        return new Tally(read.get(), seen.size(), succeeded.get(), correct.size(), failed.get(), unknown.get());
    }
}
