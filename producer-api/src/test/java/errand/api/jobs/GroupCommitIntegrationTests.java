package errand.api.jobs;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import errand.api.MigratedDatabase;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.JsonNodeFactory;

/** Single submits committed together, on a real PostgreSQL with the Flyway schema. */
class GroupCommitIntegrationTests {

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
    }

    @Test
    void commitsTheSubmitsThatQueueBehindATransactionInTheNextOne() throws Exception {
        GatedTransactions transactions = new GatedTransactions();
        GroupCommit commits = new GroupCommit(new JobStore(jdbc), transactions);
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            jobs.add(aJob(UUID.randomUUID()));
        }

        try (ExecutorService submits = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = submits.submit(() -> commits.insert(jobs.getFirst()));
            transactions.awaitHeld();
            List<Future<?>> rest = jobs.subList(1, jobs.size()).stream()
                    .<Future<?>>map(job -> submits.submit(() -> commits.insert(job))).toList();
            await().atMost(ofSeconds(10)).until(() -> commits.queuedJobs() == jobs.size() - 1);
            transactions.release();

            first.get(10, TimeUnit.SECONDS);
            for (Future<?> submit : rest) {
                submit.get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(jobs).allMatch(job -> isStored(job.id()));
        assertThat(transactions.started()).as("transactions for 50 submits").isEqualTo(2);
    }

    @Test
    void answersEveryOneOfManyConcurrentSubmitsWithoutOneLeftParked() throws Exception {
        CountingTransactions transactions = new CountingTransactions();
        GroupCommit commits = new GroupCommit(new JobStore(jdbc), transactions);
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            jobs.add(aJob(UUID.randomUUID()));
        }

        try (ExecutorService submits = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = jobs.stream().<Future<?>>map(job -> submits.submit(() -> commits.insert(job)))
                    .toList();
            for (Future<?> submit : all) {
                submit.get(60, TimeUnit.SECONDS);
            }
        }

        Integer stored = jdbc.queryForObject("select count(*) from jobs where id = any(?)", Integer.class,
                (Object) jobs.stream().map(NewJob::id).toArray(UUID[]::new));
        assertThat(stored).isEqualTo(jobs.size());
        assertThat(commits.queuedJobs()).isZero();
        assertThat(transactions.started()).as("transactions for 2000 concurrent submits").isLessThan(2000);
    }

    @Test
    void failsOnlyTheSubmitWhoseRowTheDatabaseRefuses() throws Exception {
        UUID taken = UUID.randomUUID();
        GroupCommit alone = new GroupCommit(new JobStore(jdbc), new GatedTransactions().opened());
        alone.insert(aJob(taken));
        GatedTransactions transactions = new GatedTransactions();
        GroupCommit commits = new GroupCommit(new JobStore(jdbc), transactions);
        NewJob before = aJob(UUID.randomUUID());
        NewJob duplicate = aJob(taken);
        NewJob after = aJob(UUID.randomUUID());
        var outcomes = new ConcurrentHashMap<UUID, String>();

        try (ExecutorService submits = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = submits.submit(() -> commits.insert(aJob(UUID.randomUUID())));
            transactions.awaitHeld();
            List<NewJob> inOrder = List.of(before, duplicate, after);
            for (int i = 0; i < inOrder.size(); i++) {
                NewJob job = inOrder.get(i);
                int queuedWithIt = i + 1;
                submits.submit(() -> outcomes.put(job.id(), outcomeOf(() -> commits.insert(job))));
                await().atMost(ofSeconds(10)).until(() -> commits.queuedJobs() == queuedWithIt);
            }
            transactions.release();
            holder.get(10, TimeUnit.SECONDS);
            await().atMost(ofSeconds(10)).until(() -> outcomes.size() == 3);
        }

        assertThat(outcomes.get(before.id())).isEqualTo("committed");
        assertThat(outcomes.get(after.id())).isEqualTo("committed");
        assertThat(outcomes.get(taken)).startsWith(DuplicateKeyException.class.getSimpleName());
        assertThat(isStored(before.id()) && isStored(after.id())).isTrue();
    }

    @Test
    void releasesEveryQueuedSubmitWhenTheirTransactionEndsInAnError() throws Exception {
        GatedTransactions transactions = new GatedTransactions(new StackOverflowError("a bug"));
        GroupCommit commits = new GroupCommit(new JobStore(jdbc), transactions);
        List<NewJob> queuedJobs = List.of(aJob(UUID.randomUUID()), aJob(UUID.randomUUID()), aJob(UUID.randomUUID()));
        var outcomes = new ConcurrentHashMap<UUID, String>();

        try (ExecutorService submits = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = submits.submit(() -> commits.insert(aJob(UUID.randomUUID())));
            transactions.awaitHeld();
            for (NewJob job : queuedJobs) {
                submits.submit(() -> {
                    try {
                        commits.insert(job);
                        outcomes.put(job.id(), "committed");
                    } catch (RuntimeException | Error e) {
                        outcomes.put(job.id(), e.getClass().getSimpleName());
                    }
                });
            }
            await().atMost(ofSeconds(10)).until(() -> commits.queuedJobs() == queuedJobs.size());
            transactions.release();
            holder.get(10, TimeUnit.SECONDS);
            await("every queued submit answered").atMost(ofSeconds(10)).until(() -> outcomes.size() == 3);
        }

        assertThat(outcomes.values()).containsOnly("StackOverflowError", "IllegalStateException")
                .containsOnlyOnce("StackOverflowError");
        assertThat(queuedJobs).noneMatch(job -> isStored(job.id()));
    }

    @Test
    void failsEverySubmitOfATransactionTheDatabaseCannotStart() {
        TransactionTemplate unreachable = new TransactionTemplate(
                new DataSourceTransactionManager(database.dataSource())) {
            @Override
            public <T> @Nullable T execute(TransactionCallback<T> action) throws TransactionException {
                throw new CannotCreateTransactionException("the database is unreachable");
            }
        };
        GroupCommit commits = new GroupCommit(new JobStore(jdbc), unreachable);
        NewJob job = aJob(UUID.randomUUID());

        assertThatThrownBy(() -> commits.insert(job)).isInstanceOf(CannotCreateTransactionException.class);
        assertThat(isStored(job.id())).isFalse();
    }

    private static String outcomeOf(Runnable submit) {
        try {
            submit.run();
            return "committed";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static boolean isStored(UUID id) {
        Integer rows = jdbc.queryForObject("select count(*) from jobs where id = ?", Integer.class, id);
        return rows != null && rows == 1;
    }

    private static NewJob aJob(UUID id) {
        Instant now = Instant.now();
        return new NewJob("default", id, "echo", JsonNodeFactory.instance.objectNode().put("n", 1), 3,
                Duration.ofMinutes(1), now, now, null, null, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                null, null, null, null);
    }

    /** Real transactions, counted. */
    private static final class CountingTransactions extends TransactionTemplate {

        private final AtomicInteger started = new AtomicInteger();

        CountingTransactions() {
            super(new DataSourceTransactionManager(database.dataSource()));
        }

        @Override
        public <T> @Nullable T execute(TransactionCallback<T> action) throws TransactionException {
            started.incrementAndGet();
            return super.execute(action);
        }

        int started() {
            return started.get();
        }
    }

    /**
     * Real transactions, counted; the first is held open until {@link #release()}, and those after it throw
     * {@code laterError} instead, if there is one.
     */
    private static final class GatedTransactions extends TransactionTemplate {

        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger started = new AtomicInteger();
        private final @Nullable Error laterError;

        GatedTransactions() {
            this(null);
        }

        GatedTransactions(@Nullable Error laterError) {
            super(new DataSourceTransactionManager(database.dataSource()));
            this.laterError = laterError;
        }

        GatedTransactions opened() {
            released.countDown();
            return this;
        }

        @Override
        public <T> @Nullable T execute(TransactionCallback<T> action) throws TransactionException {
            if (started.incrementAndGet() == 1) {
                held.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            } else if (laterError != null) {
                throw laterError;
            }
            return super.execute(action);
        }

        void awaitHeld() throws InterruptedException {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("the first transaction started").isTrue();
        }

        void release() {
            released.countDown();
        }

        int started() {
            return started.get();
        }
    }
}
