package errand.tests.failure;

import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import errand.model.JobStatus;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRecords;
import errand.tests.support.JobRequest;
import errand.tests.support.PrometheusScrape;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two API instances and two workers, jobs submitted to both at a steady pace, and {@code kill -9} of one instance
 * mid-stream. Every job that got a {@code 202} from either instance completes, and the survivor shows it: its
 * long-polls and event streams, opened on jobs submitted to either instance (the victim's last ones included), all
 * see the outcome.
 *
 * <p>The survivor takes over both halves of the dead instance's background work:
 * <ul>
 *   <li><b>the outbox relay.</b> A kill alone rarely finds a row unpublished (a relay publishes within milliseconds),
 *       so the victim reaches RabbitMQ through a {@link errand.tests.support.TcpProxy} that the test freezes shortly
 *       before the kill: from then on the victim still commits what it accepts but can get no publish confirmed,
 *       and a relay round of its own hangs with its claimed rows locked until the kill frees them. Every job sent
 *       after the freeze, to either instance, can only have been published by the survivor's relay
 *       ({@code SKIP LOCKED} claims), and so can every row still unpublished when the victim died (in practice the
 *       survivor's relay usually claims the victim's new rows before the kill, so there are few or none);
 *   <li><b>the reply consumer.</b> Every job that was not terminal in the store at the kill got its outcome applied
 *       afterwards, by the only instance left: the survivor's {@code errand_results_applied_total{event="succeeded"}}
 *       grows by at least that many.
 * </ul>
 * How many jobs each instance accepted, how many were unpublished and unfinished at the kill, and how long the
 * survivor took to apply its first outcome after it are logged, not asserted.
 */
class ApiInstanceCrashFailureTests {

    private static final System.Logger LOG = System.getLogger(ApiInstanceCrashFailureTests.class.getName());
    /**
     * The pause between one client's submissions (a fixed delay, not a rate: a slow answer delays the next submission
     * rather than bunching up the ones it held back).
     */
    private static final Duration PACE = Duration.ofMillis(50);
    /** Every {@code SLEEP_EVERY}th job sleeps, so some are running when the victim dies. */
    private static final int SLEEP_EVERY = 4;
    private static final Duration SLEEP = Duration.ofSeconds(1);
    private static final int ACCEPTED_BEFORE_FREEZE = 40;
    private static final int ACCEPTED_WHILE_FROZEN = 15;
    private static final int ACCEPTED_BY_SURVIVOR_AFTER_KILL = 60;
    private static final String MARKER = "api-instance-crash";
    private static final String PUBLISHED = "errand_outbox_published_total";

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2).apiReachesBrokerThroughProxy();

    @Test
    void everyJobEitherInstanceAcceptedCompletesAndTheSurvivorSeesAndAppliesEveryOutcomeAfterTheOtherIsKilled()
            throws Exception {
        AppProcess victim = platform.apiProcess();
        AppProcess survivor = platform.startAnotherApi();
        ErrandClient onSurvivor = new ErrandClient(survivor::baseUri);
        Observers observers = new Observers(onSurvivor);
        try (observers;
                Submitter toVictim = new Submitter(victim.name(), platform.api(), observers);
                Submitter toSurvivor = new Submitter(survivor.name(), onSurvivor, observers)) {
            await("both instances accepting").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> toVictim.acceptedCount() >= ACCEPTED_BEFORE_FREEZE
                            && toSurvivor.acceptedCount() >= ACCEPTED_BEFORE_FREEZE);

            // From here the victim commits what it accepts but cannot publish it: only the survivor's relay can.
            PrometheusScrape survivorAtFreeze = PrometheusScrape.of(survivor);
            platform.brokerLink().freeze();
            PrometheusScrape victimAtFreeze = PrometheusScrape.of(victim);
            toVictim.frozen(true);
            toSurvivor.frozen(false);
            await("jobs accepted by the victim while it cannot publish").atMost(ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> toVictim.acceptedAfterFreeze().size() >= ACCEPTED_WHILE_FROZEN);

            PrometheusScrape victimBeforeKill = PrometheusScrape.of(victim);
            victim.kill();
            long killedAt = System.nanoTime();
            // In this order: a row unpublished (or a job unfinished) in the store read after the scrape is published
            // (or finished) after it, and only by the survivor.
            PrometheusScrape survivorAtKill = PrometheusScrape.of(survivor);
            List<UUID> victimAccepted = toVictim.acceptedIds();
            Set<UUID> acceptedAtKill = new HashSet<>(victimAccepted);
            acceptedAtKill.addAll(toSurvivor.acceptedIds());
            Map<UUID, JobRecords.JobRow> rowsAtKill = platform.records().jobs(acceptedAtKill);
            List<UUID> unpublishedAtKill = rowsAtKill.values().stream().filter(row -> !row.published())
                    .map(JobRecords.JobRow::id).toList();
            List<UUID> unfinishedAtKill = rowsAtKill.values().stream().filter(row -> !row.isTerminal())
                    .map(JobRecords.JobRow::id).toList();
            // The dead instance's broker connections close, so the broker requeues what it held unacknowledged.
            platform.brokerLink().cut();
            toVictim.stop();

            double appliedAtKill = succeededApplied(survivorAtKill);
            await("an outcome applied by the survivor after the kill").atMost(ofMinutes(2))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> succeededApplied(PrometheusScrape.of(survivor)) > appliedAtKill);
            Duration firstOutcomeAfterKill = Duration.ofNanos(System.nanoTime() - killedAt);
            int survivorCountAtKill = toSurvivor.acceptedCount();
            await("the survivor accepting after the kill").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> toSurvivor.acceptedCount() >= survivorCountAtKill + ACCEPTED_BY_SURVIVOR_AFTER_KILL);
            toSurvivor.stop();

            Set<UUID> accepted = new HashSet<>(victimAccepted);
            accepted.addAll(toSurvivor.acceptedIds());
            Set<UUID> sentAfterFreeze = new HashSet<>(toVictim.acceptedAfterFreeze());
            sentAfterFreeze.addAll(toSurvivor.acceptedAfterFreeze());
            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, accepted, ofMinutes(3))
                    .report(getClass(), "two API instances, one `kill -9`ed mid-stream of submissions to both",
                            "everyJobEitherInstanceAcceptedCompletesAndTheSurvivorSeesAndAppliesEveryOutcomeAfter"
                            + "TheOtherIsKilled", toVictim.submitted() + toSurvivor.submitted(),
                            firstOutcomeAfterKill);
            observers.awaitAll(ofMinutes(3));
            // a relay counts a round once it is marked published, which may come after its jobs ran
            try {
                await("the survivor's relay count settled").atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                        .until(() -> delta(survivorAtFreeze, PrometheusScrape.of(survivor), PUBLISHED)
                                >= sentAfterFreeze.size());
            } catch (ConditionTimeoutException e) {
                // asserted below, after the counts are logged
            }
            PrometheusScrape survivorAtEnd = PrometheusScrape.of(survivor);
            LOG.log(System.Logger.Level.INFO, "accepted by {0}: {1} ({2} sent after the freeze), by {3}: {4} "
                    + "({5} after the kill); {6} completed; at the kill {7} rows unpublished and {8} jobs "
                    + "unfinished; the survivor published "
                    + "{9} after the freeze, {10} after the kill, and applied {11} successes after the kill; first "
                    + "outcome applied by the survivor {12} ms after the kill; observed on the survivor: {13} "
                    + "long-polls, {14} event streams; transport errors to the victim {15}; the victim published "
                    + "{16} while its broker link was frozen",
                    victim.name(), victimAccepted.size(), toVictim.acceptedAfterFreeze().size(), survivor.name(),
                    toSurvivor.acceptedCount(), toSurvivor.acceptedCount() - survivorCountAtKill,
                    verdict.count("SUCCEEDED"), unpublishedAtKill.size(), unfinishedAtKill.size(),
                    delta(survivorAtFreeze, survivorAtEnd, PUBLISHED), delta(survivorAtKill, survivorAtEnd, PUBLISHED),
                    succeededApplied(survivorAtEnd) - appliedAtKill, firstOutcomeAfterKill.toMillis(),
                    observers.longPolls().size(), observers.eventStreams().size(), toVictim.transportErrors(),
                    delta(victimAtFreeze, victimBeforeKill, PUBLISHED));

            assertThat(toVictim.oddities()).as("answers of the victim other than 202").isEmpty();
            assertThat(toSurvivor.oddities()).as("answers of the survivor other than 202").isEmpty();
            assertThat(toSurvivor.transportErrors()).as("submissions to the survivor that got no answer").isZero();

            // every job that got a 202 from either instance completed, and the survivor says so
            verdict.assertNoneLost();
            assertThat(verdict.count("SUCCEEDED")).as("accepted jobs SUCCEEDED").isEqualTo(accepted.size());
            assertThat(accepted).as("accepted jobs, as the survivor shows them").allSatisfy(id -> assertThat(
                    onSurvivor.job(id).path("status").asString()).as("status of %s", id).isEqualTo("SUCCEEDED"));

            // every long-poll and event stream on the survivor saw the outcome, the victim's jobs' too
            assertThat(observers.longPolls().keySet()).as("jobs of the victim long-polled on the survivor")
                    .containsAll(toVictim.acceptedAfterFreeze());
            assertThat(observers.longPolls()).as("what each long-poll on the survivor ended with")
                    .allSatisfy((id, status) -> assertThat(status).as("long-poll of %s", id).isEqualTo("SUCCEEDED"));
            assertThat(observers.eventStreams().keySet()).as("jobs of the victim streamed on the survivor")
                    .containsAll(toVictim.acceptedAfterFreeze());
            assertThat(observers.eventStreams()).as("how each event stream on the survivor ended")
                    .allSatisfy((id, ending) -> assertThat(ending).as("event stream of %s", id)
                            .isEqualTo("SUCCEEDED, closed by the server"));

            // the survivor's relay published what the victim accepted and could not publish
            assertThat(verdict.lost()).isEmpty();
            assertThat(platform.records().jobs(accepted).values()).as("accepted rows published")
                    .allSatisfy(row -> assertThat(row.published()).as("%s published", row.id()).isTrue());
            assertThat(delta(survivorAtFreeze, survivorAtEnd, PUBLISHED))
                    .as("jobs the survivor published after the freeze: at least every job submitted after it")
                    .isGreaterThanOrEqualTo(sentAfterFreeze.size());
            assertThat(delta(survivorAtKill, survivorAtEnd, PUBLISHED))
                    .as("jobs the survivor published after the kill: at least the rows unpublished at the kill")
                    .isGreaterThanOrEqualTo(unpublishedAtKill.size());

            // the survivor's reply consumer applied every outcome that came after the kill
            assertThat(unfinishedAtKill).as("jobs unfinished when the victim died").isNotEmpty();
            assertThat(succeededApplied(survivorAtEnd) - appliedAtKill)
                    .as("successes the survivor applied after the kill: at least the jobs unfinished at the kill")
                    .isGreaterThanOrEqualTo(unfinishedAtKill.size());
        }
    }

    private static double succeededApplied(PrometheusScrape scrape) {
        return scrape.sum("errand_results_applied_total", "event", "succeeded");
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String counter) {
        return after.sum(counter) - before.sum(counter);
    }

    private static JobRequest job(String api, int i) {
        return i % SLEEP_EVERY == 0 ? aSleepJob(SLEEP)
                : JobRequest.of("echo", json("{\"n\":%d,\"api\":\"%s\",\"marker\":\"%s\"}".formatted(i, api, MARKER)));
    }

    /**
     * One client submitting to one instance at a steady pace (one at a time, {@link #PACE} apart) until stopped; a
     * sleep job (and, after {@link #frozen(boolean) frozen(true)}, every job) is watched on the survivor as soon as it
     * is accepted.
     */
    private static final class Submitter implements AutoCloseable {

        private final String name;
        private final ErrandClient api;
        private final Observers observers;
        private final ScheduledExecutorService clock;
        private final AtomicInteger next = new AtomicInteger();
        private final Map<Integer, UUID> accepted = new ConcurrentHashMap<>();
        private final Set<UUID> acceptedAfterFreeze = ConcurrentHashMap.newKeySet();
        private final AtomicLong transportErrors = new AtomicLong();
        private final List<String> odd = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean frozen;
        private volatile boolean observeEveryJob;

        Submitter(String name, ErrandClient api, Observers observers) {
            this.name = name;
            this.api = api;
            this.observers = observers;
            this.clock = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("submit-" + name)
                    .daemon(true).factory());
            clock.scheduleWithFixedDelay(this::submitNext, 0, PACE.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void submitNext() {
            int i = next.getAndIncrement();
            // read before the request is sent: a job sent after the freeze is committed after it
            boolean afterFreeze = frozen;
            boolean observeAll = observeEveryJob;
            ErrandClient.Response response;
            try {
                response = api.submit(job(name, i));
            } catch (UncheckedIOException e) {
                transportErrors.incrementAndGet();
                return;
            }
            if (response.status() != 202) {
                odd.add(response.toString());
                return;
            }
            UUID id = response.jobId();
            accepted.put(i, id);
            if (afterFreeze) {
                acceptedAfterFreeze.add(id);
            }
            if (observeAll || i % SLEEP_EVERY == 0) {
                observers.watch(id);
            }
        }

        /** The victim's broker link is frozen from now on; {@code observeEveryJob}: watch every job, not a sample. */
        void frozen(boolean observeEveryJob) {
            this.observeEveryJob = observeEveryJob;
            this.frozen = true;
        }

        int acceptedCount() {
            return accepted.size();
        }

        List<UUID> acceptedIds() {
            return List.copyOf(new TreeMap<>(accepted).values());
        }

        Set<UUID> acceptedAfterFreeze() {
            return Set.copyOf(acceptedAfterFreeze);
        }

        int submitted() {
            return next.get();
        }

        long transportErrors() {
            return transportErrors.get();
        }

        List<String> oddities() {
            synchronized (odd) {
                return List.copyOf(odd);
            }
        }

        /** Stops submitting; waits for a submission in flight. */
        void stop() throws InterruptedException {
            clock.shutdown();
            if (!clock.awaitTermination(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("submissions to " + name + " still running");
            }
        }

        @Override
        public void close() {
            clock.shutdownNow();
        }
    }

    /**
     * Long-polls ({@code GET /api/v1/jobs/{id}?wait=PT30S}, repeated until terminal) and event streams on the survivor,
     * one of each per watched job, each on a virtual thread of its own.
     */
    private static final class Observers implements AutoCloseable {

        private static final int MAX_LONG_POLLS = 6;

        private final ErrandClient survivor;
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final List<CompletableFuture<?>> running = Collections.synchronizedList(new ArrayList<>());
        private final Map<UUID, String> longPolls = new ConcurrentHashMap<>();
        private final Map<UUID, String> eventStreams = new ConcurrentHashMap<>();

        Observers(ErrandClient survivor) {
            this.survivor = survivor;
        }

        void watch(UUID id) {
            running.add(CompletableFuture.runAsync(() -> longPolls.put(id, longPoll(id)), threads));
            running.add(CompletableFuture.runAsync(() -> eventStreams.put(id, stream(id)), threads));
        }

        private String longPoll(UUID id) {
            String status = "no answer";
            for (int poll = 0; poll < MAX_LONG_POLLS; poll++) {
                ErrandClient.Response answer = survivor.getWaiting(id, ofSeconds(30));
                if (answer.status() != 200) {
                    return answer.toString();
                }
                status = answer.json().path("status").asString("");
                if (JobStatus.valueOf(status).isTerminal()) {
                    return status;
                }
            }
            return status + " after " + MAX_LONG_POLLS + " long-polls";
        }

        private String stream(UUID id) {
            ErrandClient.EventStream events = survivor.events(id, ofSeconds(90));
            List<String> statuses = events.statuses();
            return (statuses.isEmpty() ? "no events" : statuses.getLast())
                    + (events.closedByServer() ? ", closed by the server" : ", still open");
        }

        /** Waits for every observer to finish; an observer that threw fails the test here. */
        void awaitAll(Duration atMost) throws Exception {
            List<CompletableFuture<?>> all;
            synchronized (running) {
                all = List.copyOf(running);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(atMost.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        Map<UUID, String> longPolls() {
            return Map.copyOf(longPolls);
        }

        Map<UUID, String> eventStreams() {
            return Map.copyOf(eventStreams);
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }
}
