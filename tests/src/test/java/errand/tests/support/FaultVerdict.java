package errand.tests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The Jepsen-style end check of a failure test: N accepted jobs must give N recorded outcomes. It waits (without
 * failing) until every accepted job is terminal or the time is up, then reads the store and the {@link JobLedger}
 * once and counts: outcomes by status, lost jobs (accepted, but no row or not terminal), jobs executed more than once
 * and jobs whose handler completed more than once. The ledger's counts hold only if it could read every message on
 * the results exchange, so {@link #assertNoneLost} also asserts that it could. {@link #report} writes the counts to
 * the test log and to {@code tests/target/failure-reports/<TestClass>.md}, one table row per test; the asserts come
 * after, so a failing run still reports what it saw.
 */
public final class FaultVerdict {

    private static final System.Logger LOG = System.getLogger(FaultVerdict.class.getName());

    private final List<UUID> accepted;
    private final Map<UUID, JobRecords.JobRow> rows;
    private final Map<UUID, List<JobRecords.AttemptRow>> attempts;
    private final List<UUID> executedTwice;
    private final List<UUID> completedTwice;
    private final Duration waited;
    private final List<String> misattributed;
    private final List<String> undecodable;
    private final FaultPlatform platform;

    private FaultVerdict(List<UUID> accepted, Map<UUID, JobRecords.JobRow> rows,
            Map<UUID, List<JobRecords.AttemptRow>> attempts, List<UUID> executedTwice, List<UUID> completedTwice,
            Duration waited, FaultPlatform platform) {
        this.platform = platform;
        JobLedger ledger = platform.ledger();
        this.accepted = accepted;
        this.rows = rows;
        this.attempts = attempts;
        this.executedTwice = executedTwice;
        this.completedTwice = completedTwice;
        this.waited = waited;
        this.misattributed = misattributedSuccesses(ledger);
        this.undecodable = ledger.undecodable();
    }

    /** Waits up to {@code atMost} for every one of {@code accepted} to be terminal in the store, then judges. */
    public static FaultVerdict awaitOutcomes(FaultPlatform platform, Collection<UUID> accepted, Duration atMost) {
        List<UUID> ids = List.copyOf(new LinkedHashSet<>(accepted));
        JobRecords records = platform.records();
        long start = System.nanoTime();
        try {
            await("all %d accepted jobs terminal".formatted(ids.size())).atMost(atMost)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> records.jobs(ids).values().stream().filter(JobRecords.JobRow::isTerminal).count()
                            == ids.size());
        } catch (ConditionTimeoutException e) {
            // judged below: the jobs still not terminal are lost
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        return judge(platform, ids, waited);
    }

    /** Judges the store and ledger as they are now. */
    public static FaultVerdict judge(FaultPlatform platform, Collection<UUID> accepted, Duration waited) {
        List<UUID> ids = List.copyOf(new LinkedHashSet<>(accepted));
        JobRecords records = platform.records();
        Map<UUID, List<JobRecords.AttemptRow>> attempts = new HashMap<>();
        for (JobRecords.AttemptRow row : records.attempts(ids)) {
            attempts.computeIfAbsent(row.jobId(), id -> new ArrayList<>()).add(row);
        }
        JobLedger ledger = platform.ledger();
        return new FaultVerdict(ids, records.jobs(ids), attempts, ledger.executedMoreThanOnce(ids),
                ledger.completedMoreThanOnce(ids), waited, platform);
    }

    // ---- counts

    public int acceptedCount() {
        return accepted.size();
    }

    public long count(String status) {
        return rows.values().stream().filter(row -> row.status().equals(status)).count();
    }

    /** Accepted jobs without a row, or whose row is not terminal: nobody will ever finish them. */
    public List<UUID> lost() {
        return accepted.stream().filter(id -> rows.get(id) == null || !rows.get(id).isTerminal()).toList();
    }

    /** Jobs whose handler started more than once (reruns after a crash, a redelivery, a rescue). */
    public List<UUID> executedTwice() {
        return executedTwice;
    }

    /** Jobs whose handler returned a result more than once: harmless, if the store recorded one. */
    public List<UUID> completedTwice() {
        return completedTwice;
    }

    public JobRecords.@Nullable JobRow row(UUID id) {
        return rows.get(id);
    }

    public List<JobRecords.AttemptRow> attemptsOf(UUID id) {
        return attempts.getOrDefault(id, List.of());
    }

    /** Jobs that do not have exactly one attempt record in a terminal status matching the job's. */
    public List<String> withoutExactlyOneTerminalRecord() {
        List<String> wrong = new ArrayList<>();
        for (UUID id : accepted) {
            JobRecords.JobRow row = rows.get(id);
            if (row == null || !row.isTerminal() || row.status().equals("CANCELLED")) {
                continue;
            }
            long terminal = attemptsOf(id).stream().filter(a -> a.status().equals(row.status())).count();
            long succeeded = attemptsOf(id).stream().filter(a -> a.status().equals("SUCCEEDED")).count();
            boolean ok = row.status().equals("SUCCEEDED") ? succeeded == 1 : terminal >= 1 && succeeded == 0;
            if (!ok) {
                wrong.add(id + " " + row.status() + " with attempts " + attemptsOf(id));
            }
        }
        return wrong;
    }

    /**
     * SUCCEEDED attempt records whose {@code worker_id} names a worker that never completed that attempt, according
     * to the ledger: the store credits the wrong process (for example the first worker of a redelivered attempt).
     * Reported, not asserted: it does not change an outcome.
     */
    public List<String> misattributedSuccesses(JobLedger ledger) {
        List<String> wrong = new ArrayList<>();
        for (UUID id : accepted) {
            for (JobRecords.AttemptRow attempt : attemptsOf(id)) {
                if (!attempt.status().equals("SUCCEEDED")) {
                    continue;
                }
                boolean credited = ledger.completionsOf(id).stream().anyMatch(run ->
                        run.attempt() == attempt.attempt() && run.workerId().equals(attempt.workerId()));
                if (!credited) {
                    wrong.add(id + " attempt " + attempt.attempt() + " credited to " + attempt.workerId()
                            + ", completed by " + ledger.completionsOf(id).stream()
                                    .filter(run -> run.attempt() == attempt.attempt())
                                    .map(JobLedger.Execution::workerId).toList());
                }
            }
        }
        return wrong;
    }

    // ---- the report

    /**
     * Logs the counts and appends them to the class's report table.
     *
     * @param fault     what was broken, for the table
     * @param test      the test method
     * @param submitted how many jobs the test tried to submit
     * @param recovery  how long the system took to work again after the fault ended, as measured by the test
     */
    public FaultVerdict report(Class<?> testClass, String fault, String test, int submitted,
            @Nullable Duration recovery) {
        String recovered = recovery == null ? "-" : "%.1f s".formatted(recovery.toMillis() / 1000.0);
        String line = "| %s | `%s.%s` | %d | %d | %d | %d | %d | %d | %d | %d | %s |".formatted(fault,
                testClass.getSimpleName(), test, submitted, accepted.size(), count("SUCCEEDED"), count("FAILED"),
                count("CANCELLED"), lost().size(), executedTwice.size(), completedTwice.size(), recovered);
        LOG.log(System.Logger.Level.INFO, "FAULT REPORT {0}.{1}: {2} submitted, {3} accepted, {4} succeeded, "
                + "{5} failed, {6} cancelled, {7} lost, {8} executed more than once, {9} completed more than once, "
                + "recovery {10}, waited {11} ms for outcomes; lost: {12}; executed twice: {13}; "
                + "SUCCEEDED attempt records crediting a worker that did not complete them: {14}; "
                + "undecodable messages on the results exchange: {15}",
                testClass.getSimpleName(), test, submitted, accepted.size(), count("SUCCEEDED"), count("FAILED"),
                count("CANCELLED"), lost().size(), executedTwice.size(), completedTwice.size(), recovered,
                waited.toMillis(), lost().stream().limit(10).toList(), executedTwice.stream().limit(10).toList(),
                misattributed, undecodable.size());
        if (!lost().isEmpty()) {
            for (UUID id : lost().stream().limit(5).toList()) {
                LOG.log(System.Logger.Level.WARNING, "lost job {0}: row {1}; events seen by the ledger: {2}", id,
                        rows.get(id), platform.ledger().eventsOf(id).stream().map(received -> describe(received
                                .event())).toList());
            }
            LOG.log(System.Logger.Level.WARNING, "API threads at the verdict: {0}; {1}",
                    FaultPlatform.dumpThreads(platform.apiProcess(), test),
                    platform.broker().queueStatistics(errand.model.Topology.RESULTS_QUEUE));
        }
        Path file = PlatformApps.repoRoot().resolve("tests/target/failure-reports")
                .resolve(testClass.getSimpleName() + ".md");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private static String describe(errand.model.JobEvent event) {
        return event.getClass().getSimpleName() + "(attempt " + event.attempt() + ", " + event.workerId() + ", "
                + event.at() + ")";
    }

    // ---- asserts

    /**
     * None lost, every accepted job has a terminal row with exactly one terminal attempt record, and the ledger could
     * decode every message on the results exchange (a message it could not read is an execution it did not count).
     */
    public FaultVerdict assertNoneLost() {
        assertThat(undecodable).as("messages on the results exchange the ledger could not decode as job events")
                .isEmpty();
        assertThat(lost()).as("accepted jobs lost (no row, or never terminal): %s",
                lost().stream().map(id -> id + "=" + rows.get(id)).limit(20).toList()).isEmpty();
        assertThat(withoutExactlyOneTerminalRecord()).as("jobs without exactly one terminal attempt record")
                .isEmpty();
        return this;
    }

    /** Every accepted job SUCCEEDED, with the result {@code expected} gives for it. */
    public FaultVerdict assertEverySucceeded(Function<UUID, JsonNode> expected) {
        assertNoneLost();
        List<String> wrong = new ArrayList<>();
        for (UUID id : accepted) {
            JobRecords.JobRow row = Objects.requireNonNull(rows.get(id));
            if (!row.status().equals("SUCCEEDED") || !Objects.equals(expected.apply(id), row.result())) {
                wrong.add(row.toString());
            }
        }
        assertThat(wrong).as("jobs not SUCCEEDED with their expected result").isEmpty();
        return this;
    }
}
