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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import errand.tests.support.ErrandClient.Response;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

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
    /** Releases one submission per tick of a {@linkplain #paced paced} stream; null: as fast as the clients go. */
    private final @Nullable Semaphore pace;
    private final @Nullable ScheduledExecutorService metronome;
    private final AtomicInteger next = new AtomicInteger();
    /** Submissions from this index on are not started: {@code count}, or less after {@link #stopSubmitting()}. */
    private volatile int limit;
    private final Map<Integer, UUID> accepted = new ConcurrentHashMap<>();
    private final Set<Integer> givenUp = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private final AtomicLong transportErrors = new AtomicLong();
    private final List<String> odd = java.util.Collections.synchronizedList(new ArrayList<>());

    private JobStream(String name, int count, int clients, ErrandClient api, IntFunction<JobRequest> jobs,
            Duration retryPause, Duration giveUpAfter, @Nullable Duration interval) {
        this.name = name;
        this.limit = count;
        if (interval != null) {
            this.pace = new Semaphore(0);
            this.metronome = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("stream-" + name
                    + "-pace").daemon(true).factory());
            this.metronome.scheduleAtFixedRate(pace::release, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        } else {
            this.pace = null;
            this.metronome = null;
        }
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
        return new JobStream(name, count, clients, api, jobs, retryPause, giveUpAfter, null);
    }

    /**
     * The same at a steady pace: a new submission starts every {@code interval} (if a client is free), so the stream
     * lasts about {@code count * interval} and a fault injected meanwhile hits it mid-stream.
     */
    public static JobStream paced(ErrandClient api, String name, int count, int clients, Duration interval,
            IntFunction<JobRequest> jobs, Duration retryPause, Duration giveUpAfter) {
        return new JobStream(name, count, clients, api, jobs, retryPause, giveUpAfter, interval);
    }

    private void run() {
        int i;
        while (awaitTurn() && (i = next.getAndIncrement()) < limit && !Thread.currentThread().isInterrupted()) {
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

    /** Waits for the next tick of a paced stream; false if interrupted (the stream is closing). */
    private boolean awaitTurn() {
        if (pace == null) {
            return true;
        }
        try {
            pace.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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

    /**
     * Starts no further submission: the ones already started go on until accepted or given up. For a stream that
     * should last until the test has done what it does mid-stream, rather than for a fixed count.
     */
    public void stopSubmitting() {
        limit = Math.min(limit, next.get());
    }

    /** How many submissions were started: {@code count}, or fewer if {@link #stopSubmitting()} cut it short. */
    public int started() {
        return Math.min(limit, next.get());
    }

    /** Waits until every submission was accepted or given up. */
    public void awaitDone(Duration atMost) {
        clients.shutdown();
        try {
            if (!clients.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Stream " + name + " still submitting after " + atMost);
            }
            if (metronome != null) {
                metronome.shutdownNow();
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
        return "stream " + name + ": " + accepted.size() + "/" + started() + " accepted, answers " + answers()
                + ", transport errors " + transportErrors + ", given up " + givenUp.size();
    }

    @Override
    public void close() {
        clients.shutdownNow();
        if (metronome != null) {
            metronome.shutdownNow();
        }
    }
}
