package errand.worker.runtime.executing;

import static errand.worker.runtime.registry.TaskFixtures.aDecoder;
import static errand.worker.runtime.registry.TaskFixtures.aJob;
import static errand.worker.runtime.registry.TaskFixtures.theTask;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import errand.model.ControlCommand;
import errand.model.Failure;
import errand.model.JobMessage;
import errand.model.TaskKind;
import errand.model.WireJson;
import errand.worker.runtime.registry.RegisteredTask;
import errand.worker.tasks.NonRetryableException;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskContext;
import errand.worker.tasks.TaskHandler;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handlers are inner classes, invisible to the integration tests' component scan. */
class AttemptRunnerTests {

    record Input(@PositiveOrZero int n) {
    }

    record Output(int doubled) {
    }

    private final HandlerExecutors executors = new HandlerExecutors(2, handler -> handler);
    private final RunningJobs running = new RunningJobs();
    private final AttemptRunner runner = new AttemptRunner(aDecoder(), executors, running, Clock.systemUTC(),
            Duration.ofMillis(300));
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final List<Double> progress = new CopyOnWriteArrayList<>();

    @Task(name = "double", kind = TaskKind.CPU)
    class Doubler implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) {
            return new Output(input.n() * 2);
        }
    }

    record Text(String text) {
    }

    /** Returns what the job store cannot keep: n = 0 a NUL character, otherwise a lone surrogate. */
    @Task(name = "unstorable", kind = TaskKind.IO)
    class Unstorable implements TaskHandler<Input, Text> {
        @Override
        public Text handle(Input input, TaskContext context) {
            return new Text(input.n() == 0 ? "a\u0000b" : "\ud800");
        }
    }

    /** Returns its payload, as {@code echo} does. */
    @Task(name = "mirror", kind = TaskKind.IO)
    class Mirror implements TaskHandler<tools.jackson.databind.node.ObjectNode,
            tools.jackson.databind.node.ObjectNode> {
        @Override
        public tools.jackson.databind.node.ObjectNode handle(tools.jackson.databind.node.ObjectNode input,
                TaskContext context) {
            return input;
        }
    }

    /** Throws an exception whose message holds a NUL character and a lone surrogate. */
    @Task(name = "throw-unstorable", kind = TaskKind.IO)
    class UnstorableThrower implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) {
            throw new IllegalStateException("bad\u0000 \udc00 byte");
        }
    }

    @Task(name = "throw", kind = TaskKind.IO)
    class Thrower implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) {
            if (input.n() == 0) {
                throw new IllegalArgumentException("zero");
            }
            throw new IllegalStateException("wrapped", new NonRetryableException("never"));
        }
    }

    @Task(name = "wait", kind = TaskKind.CPU)
    class Waiter implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) throws InterruptedException {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                interrupted.set(true);
                throw ex;
            }
            return new Output(0);
        }
    }

    @Task(name = "stubborn", kind = TaskKind.CPU)
    class Stubborn implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) {
            started.countDown();
            while (true) {
                try {
                    release.await();
                    return new Output(1);
                } catch (InterruptedException ex) {
                    interrupted.set(true);
                }
            }
        }
    }

    @Task(name = "chatty", kind = TaskKind.IO)
    class Chatty implements TaskHandler<Input, Output> {
        private final AtomicReference<TaskContext> kept = new AtomicReference<>();

        @Override
        public Output handle(Input input, TaskContext context) {
            kept.set(context);
            for (int i = 0; i < 100; i++) {
                context.progress(i / 100.0, "step " + i);
            }
            return new Output(0);
        }
    }

    @AfterEach
    void releaseHandlers() {
        release.countDown();
        executors.close();
    }

    @Test
    void returnsTheHandlersOutputAsJson() {
        AttemptResult result = run(new Doubler(), "{\"n\": 21}");

        assertThat(result).isEqualTo(new AttemptResult.Succeeded(WireJson.mapper().valueToTree(new Output(42))));
    }

    @Test
    void failsForGoodNamingTheFieldWhenTheOutputHoldsANulCharacter() {
        assertThat(run(new Unstorable(), "{\"n\": 0}")).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.failure().type()).isEqualTo("output-encoding");
            assertThat(failed.failure().retryable()).isFalse();
            assertThat(failed.failure().message()).contains("/text").contains("NUL");
        });
    }

    @Test
    void failsForGoodNamingTheFieldWhenTheOutputHoldsALoneSurrogate() {
        assertThat(run(new Unstorable(), "{\"n\": 1}")).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.failure().type()).isEqualTo("output-encoding");
            assertThat(failed.failure().retryable()).isFalse();
            assertThat(failed.failure().message()).contains("/text").contains("lone UTF-16 surrogate");
        });
    }

    @Test
    void returnsJsonOutputWithEveryDigitOfItsNumbers() {
        String payload = "{\"int\": 123456789012345678901234567890123456789012345678901234567890, "
                + "\"decimal\": 0.1234567890123456789012345678901234567890, \"huge\": 1e400, \"list\": [2.50, -0.0]}";

        AttemptResult result = run(new Mirror(), payload);

        assertThat(result).isInstanceOfSatisfying(AttemptResult.Succeeded.class, succeeded -> {
            var read = WireJson.mapper().readTree(WireJson.write(succeeded.result()));
            assertThat(read.get("int").bigIntegerValue()).isEqualTo(
                    new java.math.BigInteger("123456789012345678901234567890123456789012345678901234567890"));
            assertThat(read.get("decimal").decimalValue())
                    .isEqualTo(new java.math.BigDecimal("0.1234567890123456789012345678901234567890"));
            assertThat(read.get("huge").decimalValue()).isEqualByComparingTo(java.math.BigDecimal.TEN.pow(400));
            assertThat(read.get("list").get(0).decimalValue()).isEqualTo(new java.math.BigDecimal("2.50"));
            assertThat(read.get("list").get(1).decimalValue()).isEqualByComparingTo(java.math.BigDecimal.ZERO);
        });
    }

    @Test
    void reportsAFailureMessageWithWhatTheStoreCannotKeepReplaced() {
        assertThat(run(new UnstorableThrower(), "{\"n\": 0}")).isEqualTo(new AttemptResult.Failed(
                new Failure("IllegalStateException", "bad\uFFFD \uFFFD byte", true)));
    }

    @Test
    void failsForGoodOnInputThatBreaksItsConstraintsNamingTheField() {
        assertThat(run(new Doubler(), "{\"n\": -1}")).isEqualTo(new AttemptResult.Failed(
                new Failure("invalid-input", "n: must be greater than or equal to 0", false)));
    }

    @Test
    void failsRetryablyWhenTheHandlerThrows() {
        assertThat(run(new Thrower(), "{\"n\": 0}"))
                .isEqualTo(new AttemptResult.Failed(new Failure("IllegalArgumentException", "zero", true)));
    }

    @Test
    void failsForGoodWhenTheHandlerThrowsANonRetryableCause() {
        assertThat(run(new Thrower(), "{\"n\": 1}"))
                .isEqualTo(new AttemptResult.Failed(new Failure("IllegalStateException", "wrapped", false)));
    }

    @Test
    void interruptsAndTimesOutAHandlerPastItsDeadline() {
        AttemptResult result = runner.run(theTask(new Waiter()), aJob("wait", "{\"n\": 0}", Duration.ofMillis(200)),
                this::record);

        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.failure().type()).isEqualTo("timeout");
            assertThat(failed.failure().retryable()).isTrue();
            assertThat(failed.outcome()).isEqualTo("timeout");
        });
        assertThat(interrupted).isTrue();
    }

    @Test
    void abandonsAHandlerThatIgnoresItsInterruptAndLendsThePoolAThread() {
        AttemptResult result = runner.run(theTask(new Stubborn()),
                aJob("stubborn", "{\"n\": 0}", Duration.ofMillis(200)), this::record);

        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed ->
                assertThat(failed.failure().message()).contains("abandoned"));
        assertThat(interrupted).isTrue();
        assertThat(executors.cpuPoolSize()).isEqualTo(3);

        release.countDown();

        await().atMost(ofSeconds(5)).untilAsserted(() -> assertThat(executors.cpuPoolSize()).isEqualTo(2));
    }

    @Test
    void stopsARunningHandlerWhenItsJobIsCancelled() throws Exception {
        JobMessage job = aJob("wait", "{\"n\": 0}");
        CompletableFuture<AttemptResult> result = CompletableFuture.supplyAsync(
                () -> runner.run(theTask(new Waiter()), job, this::record));
        started.await();

        running.cancel(job.jobId(), job.attempt());

        assertThat(result.get()).isEqualTo(new AttemptResult.Cancelled());
        assertThat(interrupted).isTrue();
    }

    @Test
    void neverStartsTheHandlerOfAJobCancelledBeforeIt() {
        JobMessage job = aJob("wait", "{\"n\": 0}");
        running.cancel(job.jobId(), job.attempt());

        assertThat(runner.run(theTask(new Waiter()), job, this::record)).isEqualTo(new AttemptResult.Cancelled());
        assertThat(started.getCount()).isEqualTo(1);
    }

    @Test
    void runsTheAttemptAfterTheOneThatWasCancelled() {
        JobMessage cancelledAttempt = aJob("double", "{\"n\": 2}");
        running.cancel(cancelledAttempt.jobId(), cancelledAttempt.attempt());

        AttemptResult result = runner.run(theTask(new Doubler()), cancelledAttempt.nextAttempt(), this::record);

        assertThat(result).isEqualTo(new AttemptResult.Succeeded(WireJson.mapper().valueToTree(new Output(4))));
    }

    @Test
    void leavesALaterRunningAttemptAloneWhenAnOlderAttemptIsCancelledLate() throws Exception {
        JobMessage retried = aJob("wait", "{\"n\": 0}").nextAttempt();
        CompletableFuture<AttemptResult> result = CompletableFuture.supplyAsync(
                () -> runner.run(theTask(new Waiter()), retried, this::record));
        started.await();

        // A rebroadcast of the cancel of attempt 1, still on its way when the job was retried as attempt 2.
        running.cancel(retried.jobId(), 1);
        release.countDown();

        assertThat(result.get()).isEqualTo(new AttemptResult.Succeeded(WireJson.mapper().valueToTree(new Output(0))));
        assertThat(interrupted).isFalse();
    }

    @Test
    void stopsTheRunningAttemptOnACancelThatNamesNoAttempt() throws Exception {
        JobMessage retried = aJob("wait", "{\"n\": 0}").nextAttempt();
        CompletableFuture<AttemptResult> result = CompletableFuture.supplyAsync(
                () -> runner.run(theTask(new Waiter()), retried, this::record));
        started.await();

        // From an API that predates the attempt in cancel commands.
        running.cancel(new ControlCommand.CancelJob(retried.jobId(), null, Instant.now()));

        assertThat(result.get()).isEqualTo(new AttemptResult.Cancelled());
        assertThat(running.isCancelled(retried.jobId(), retried.attempt())).isTrue();
        assertThat(running.isCancelled(retried.jobId(), retried.attempt() + 1)).isFalse();
    }

    @Test
    void throttlesProgressAndDropsItOnceTheOutcomeIsKnown() {
        Chatty chatty = new Chatty();

        run(chatty, "{\"n\": 0}");
        chatty.kept.get().progress(1.0, "too late");

        assertThat(progress).containsExactly(0.0);
    }

    @Test
    void ringsItsAlarmOnTheWaitingThreadWhileTheHandlerRuns() {
        AtomicReference<Thread> ringer = new AtomicReference<>();
        AtomicBoolean handlerRan = new AtomicBoolean();
        Execution.Alarm alarm = new Execution.Alarm() {
            @Override
            public long nanosUntilDue() {
                return ringer.get() == null ? 0 : Long.MAX_VALUE;
            }

            @Override
            public void ring() {
                ringer.set(Thread.currentThread());
                try {
                    // The handler can only start while the alarm rings if the execution's lock is free.
                    started.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                handlerRan.set(started.getCount() == 0);
                release.countDown();
            }
        };

        AttemptResult result = runner.run(theTask(new Waiter()), aJob("wait", "{\"n\": 0}"), this::record, alarm);

        assertThat(result).isEqualTo(new AttemptResult.Succeeded(WireJson.mapper().valueToTree(new Output(0))));
        assertThat(ringer.get()).isSameAs(Thread.currentThread());
        assertThat(handlerRan).isTrue();
    }

    @Test
    void ringsNoAlarmThatIsNotDueBeforeTheHandlerReturns() {
        AtomicBoolean rung = new AtomicBoolean();
        Execution.Alarm inAnHour = new Execution.Alarm() {
            private final long due = System.nanoTime() + Duration.ofHours(1).toNanos();

            @Override
            public long nanosUntilDue() {
                return due - System.nanoTime();
            }

            @Override
            public void ring() {
                rung.set(true);
            }
        };

        AttemptResult result = runner.run(theTask(new Doubler()), aJob("double", "{\"n\": 2}"), this::record,
                inAnHour);

        assertThat(result).isEqualTo(new AttemptResult.Succeeded(WireJson.mapper().valueToTree(new Output(4))));
        assertThat(rung).isFalse();
    }

    @Test
    void stillTimesOutAnAttemptWhoseAlarmKeepsBeingDue() {
        Execution.Alarm everyFiftyMillis = new Execution.Alarm() {
            private volatile long due = System.nanoTime();

            @Override
            public long nanosUntilDue() {
                return due - System.nanoTime();
            }

            @Override
            public void ring() {
                due = System.nanoTime() + Duration.ofMillis(50).toNanos();
            }
        };

        AttemptResult result = runner.run(theTask(new Waiter()), aJob("wait", "{\"n\": 0}", Duration.ofMillis(300)),
                this::record, everyFiftyMillis);

        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed ->
                assertThat(failed.failure().type()).isEqualTo("timeout"));
    }

    private AttemptResult run(TaskHandler<?, ?> handler, String payload) {
        RegisteredTask task = theTask(handler);
        return runner.run(task, aJob(task.name(), payload), this::record);
    }

    private void record(double fraction, @Nullable String message) {
        progress.add(fraction);
    }
}
