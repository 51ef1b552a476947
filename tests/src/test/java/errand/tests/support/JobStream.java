package errand.tests.support;

import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import errand.tests.support.ErrandClient.Response;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A stream of single submissions from several concurrent clients, as a busy front end sends them while a test breaks
 * something. Each job {@code i} is submitted with {@code Idempotency-Key: <name>-<i>} and resubmitted (after a pause)
 * until it gets a {@code 202}, so a lost answer never turns into a second job: the clients behave as the contract
 * tells a careful client to. Everything the API answered is counted, and any answer but {@code 202} is an
 * {@linkplain #oddities() oddity} that the test asserts away.
 *
 * <p><b>Threading:</b> {@code clients} platform threads of its own; queries may be called from any thread.
 */
public final class JobStream implements AutoCloseable {

    private final String name;
    private final int count;
    private final ErrandClient api;
    private final IntFunction<JobRequest> jobs;
    private final Duration giveUpAfter;
    private final Duration retryPause;
    private final ExecutorService clients;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<Integer, UUID> accepted = new ConcurrentHashMap<>();
    private final Set<Integer> givenUp = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private final AtomicLong transportErrors = new AtomicLong();
    private final List<String> odd = java.util.Collections.synchronizedList(new ArrayList<>());

    private JobStream(String name, int count, int clients, ErrandClient api, IntFunction<JobRequest> jobs,
            Duration retryPause, Duration giveUpAfter) {
        this.name = name;
        this.count = count;
        this.api = api;
        this.jobs = jobs;
        this.retryPause = retryPause;
        this.giveUpAfter = giveUpAfter;
        this.clients = Executors.newFixedThreadPool(clients, Thread.ofPlatform().name("stream-" + name + "-", 0)
                .daemon(true).factory());
        for (int i = 0; i < clients; i++) {
            this.clients.submit(this::run);
        }
    }

    /**
     * Starts {@code count} submissions of {@code jobs.apply(i)} from {@code clients} threads. Each is retried every
     * {@code retryPause} until accepted, for at most {@code giveUpAfter}.
     */
    public static JobStream start(ErrandClient api, String name, int count, int clients,
            IntFunction<JobRequest> jobs, Duration retryPause, Duration giveUpAfter) {
        return new JobStream(name, count, clients, api, jobs, retryPause, giveUpAfter);
    }

    private void run() {
        int i;
        while ((i = next.getAndIncrement()) < count && !Thread.currentThread().isInterrupted()) {
            int index = i;
            JobRequest job = jobs.apply(index);
            try {
                await("job " + index + " of stream " + name + " accepted").atMost(giveUpAfter)
                        .pollDelay(Duration.ZERO).pollInterval(retryPause)
                        .until(() -> submitOnce(index, job));
            } catch (ConditionTimeoutException e) {
                givenUp.add(index);
            }
        }
    }

    private boolean submitOnce(int index, JobRequest job) {
        Response response;
        try {
            response = api.submit(job, name + "-" + index);
        } catch (UncheckedIOException e) {
            transportErrors.incrementAndGet();
            return false;
        }
        answers.computeIfAbsent(response.status(), status -> new AtomicLong()).incrementAndGet();
        if (response.status() == 202) {
            UUID id = response.jobId();
            UUID earlier = accepted.putIfAbsent(index, id);
            if (earlier != null && !earlier.equals(id)) {
                odd.add("job " + index + " accepted twice as " + earlier + " and " + id);
            }
            return true;
        }
        // The stream still retries it, so the counts stay comparable, but the test fails on it (oddities()): no
        // fault these tests inject may make the API answer anything but 202, and a 5xx would otherwise pass as a
        // stream that was merely slow.
        odd.add(response.toString());
        return false;
    }

    /** How many jobs got their {@code 202} so far. */
    public int acceptedCount() {
        return accepted.size();
    }

    /** The accepted job ids, in submission order of their index. */
    public List<UUID> acceptedIds() {
        return new TreeMap<>(accepted).values().stream().toList();
    }

    /** The accepted job ids by submission index. */
    public Map<Integer, UUID> acceptedByIndex() {
        return new TreeMap<>(accepted);
    }

    /** Waits until every submission was accepted or given up. */
    public void awaitDone(Duration atMost) {
        clients.shutdown();
        try {
            if (!clients.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Stream " + name + " still submitting after " + atMost);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every HTTP status the API answered, with how often. */
    public Map<Integer, Long> answers() {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.forEach((status, n) -> counts.put(status, n.get()));
        return counts;
    }

    /** Requests that got no HTTP answer at all (refused, reset, timed out). */
    public long transportErrors() {
        return transportErrors.get();
    }

    /** Submissions never accepted within {@code giveUpAfter}. */
    public Set<Integer> givenUp() {
        return Set.copyOf(givenUp);
    }

    /**
     * Anything a correct API never answers while these faults are injected: every answer but {@code 202} (client and
     * server errors, {@code 429}, {@code 503}), and the same key accepted as two jobs. Requests that got no answer
     * (the API was killed) are counted in {@link #transportErrors()} instead.
     */
    public List<String> oddities() {
        synchronized (odd) {
            return List.copyOf(odd);
        }
    }

    public int count() {
        return count;
    }

    public String summary() {
        return "stream " + name + ": " + accepted.size() + "/" + count + " accepted, answers " + answers()
                + ", transport errors " + transportErrors + ", given up " + givenUp.size();
    }

    @Override
    public void close() {
        clients.shutdownNow();
    }
}
