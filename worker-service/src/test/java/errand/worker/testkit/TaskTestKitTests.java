package errand.worker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import errand.model.Failure;
import errand.model.TaskKind;
import errand.model.WireJson;
import errand.worker.tasks.NonRetryableException;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskContext;
import errand.worker.tasks.TaskHandler;
import jakarta.validation.constraints.PositiveOrZero;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handlers are inner classes, invisible to the integration tests' component scan. */
class TaskTestKitTests {

    record Input(@PositiveOrZero int n) {
    }

    record Output(int doubled, int attempt, String jobId, boolean virtualThread) {
    }

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @Task(name = "double", kind = TaskKind.CPU, timeout = "PT7S", example = "{\"n\": 4}")
    class Doubler implements TaskHandler<Input, Output> {
        private final AtomicReference<TaskContext> kept = new AtomicReference<>();

        @Override
        public Output handle(Input input, TaskContext context) {
            calls.incrementAndGet();
            kept.set(context);
            if (input.n() == 13) {
                throw new IllegalStateException("unlucky");
            }
            if (input.n() == 14) {
                throw new IllegalStateException("wrapped", new NonRetryableException("never again"));
            }
            return new Output(input.n() * 2, context.attempt(), context.jobId().toString(),
                    Thread.currentThread().isVirtual());
        }
    }

    @Task(name = "count-up", kind = TaskKind.IO)
    class Counter implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) {
            for (int i = 1; i <= input.n(); i++) {
                context.checkCancelled();
                context.progress((double) i / input.n(), "step " + i);
            }
            return new Output(input.n(), context.attempt(), context.jobId().toString(),
                    Thread.currentThread().isVirtual());
        }
    }

    @Task(name = "wait", kind = TaskKind.IO)
    class Waiter implements TaskHandler<Input, Instant> {
        @Override
        public Instant handle(Input input, TaskContext context) throws InterruptedException {
            release.await();
            return context.deadline();
        }
    }

    record Note(String note) {
    }

    @Task(name = "nul-note", kind = TaskKind.IO)
    class Unstorable implements TaskHandler<Input, Note> {
        @Override
        public Note handle(Input input, TaskContext context) {
            return new Note("before\u0000after");
        }
    }

    class Unannotated implements TaskHandler<Input, Output> {
        @Override
        public Output handle(Input input, TaskContext context) {
            return new Output(0, 0, "", false);
        }
    }

    @AfterEach
    void releaseHandlers() {
        release.countDown();
    }

    @Test
    void decodesThePayloadAndEncodesTheOutputWithTheWireMapping() {
        TaskRun<Output> run = TaskTestKit.of(new Doubler()).run("{\"n\": 21, \"ignored\": true}");

        assertThat(run.output().doubled()).isEqualTo(42);
        assertThat(run.outputJson()).isEqualTo(WireJson.mapper().valueToTree(run.output()));
        assertThat(run.outputJson().get("doubled").asInt()).isEqualTo(42);
    }

    @Test
    void sendsARecordInputThroughTheWireAndItsConstraints() {
        TaskTestKit<Input, Output> kit = TaskTestKit.of(new Doubler());

        assertThat(kit.run(new Input(5)).output().doubled()).isEqualTo(10);
        assertThat(kit.run(new Input(-5)).failure())
                .isEqualTo(new Failure("invalid-input", "n: must be greater than or equal to 0", false));
    }

    @Test
    void failsForGoodOnInputThatBreaksItsConstraintsWithoutCallingTheHandler() {
        TaskRun<Output> run = TaskTestKit.of(new Doubler()).run("{\"n\": -1}");

        assertThat(run.failure()).isEqualTo(new Failure("invalid-input", "n: must be greater than or equal to 0",
                false));
        assertThat(calls).hasValue(0);
    }

    @Test
    void failsForGoodOnAPayloadItCannotDecodeNamingTheField() {
        TaskTestKit<Input, Output> kit = TaskTestKit.of(new Doubler());

        assertThat(kit.run("{\"n\": \"many\"}").failure().message()).startsWith("n: ");
        assertThat(kit.run("[1, 2]").failure()).isEqualTo(new Failure("invalid-input",
                "payload: must be a JSON object", false));
        assertThat(calls).hasValue(0);
    }

    @Test
    void failsForGoodNamingTheFieldWhenTheOutputHoldsWhatTheStoreCannotKeep() {
        TaskRun<Note> run = TaskTestKit.of(new Unstorable()).run("{\"n\": 1}");

        assertThat(run.failure().type()).isEqualTo("output-encoding");
        assertThat(run.failure().retryable()).isFalse();
        assertThat(run.failure().message()).contains("/note").contains("NUL");
    }

    @Test
    void reportsAThrownExceptionAsTheWorkerWould() {
        TaskTestKit<Input, Output> kit = TaskTestKit.of(new Doubler());

        assertThat(kit.run("{\"n\": 13}").failure()).isEqualTo(new Failure("IllegalStateException", "unlucky", true));
        assertThat(kit.run("{\"n\": 14}").failure())
                .isEqualTo(new Failure("IllegalStateException", "wrapped", false));
        assertThat(kit.run("{\"n\": 14}").thrown()).hasRootCauseInstanceOf(NonRetryableException.class);
    }

    @Test
    void describesTheActualOutcomeWhenAskedForAnotherOne() {
        TaskTestKit<Input, Output> kit = TaskTestKit.of(new Doubler());

        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> kit.run("{\"n\": 13}").output())
                .withMessageContaining("expected double to succeed, but it failed with")
                .withMessageContaining("unlucky")
                .withCauseInstanceOf(IllegalStateException.class);
        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> kit.run("{\"n\": 1}").failure())
                .withMessageContaining("expected double to fail, but it succeeded with");
    }

    @Test
    void givesTheHandlerTheAttemptAndJobIdAndTheThreadOfItsKind() {
        UUID job = UUID.randomUUID();

        Output cpu = TaskTestKit.of(new Doubler()).attempt(3).jobId(job).run("{\"n\": 1}").output();
        Output io = TaskTestKit.of(new Counter()).run("{\"n\": 1}").output();

        assertThat(cpu.attempt()).isEqualTo(3);
        assertThat(cpu.jobId()).isEqualTo(job.toString());
        assertThat(cpu.virtualThread()).isFalse();
        assertThat(io.attempt()).isEqualTo(1);
        assertThat(io.jobId()).isEqualTo(TaskTestKit.JOB_ID.toString());
        assertThat(io.virtualThread()).isTrue();
    }

    @Test
    void keepsEveryProgressReportInOrder() {
        TaskRun<Output> run = TaskTestKit.of(new Counter()).run("{\"n\": 4}");

        assertThat(run.progressFractions()).containsExactly(0.25, 0.5, 0.75, 1.0);
        assertThat(run.progress().getFirst()).isEqualTo(new TaskRun.Progress(0.25, "step 1"));
    }

    @Test
    void keepsNoProgressReportedAfterTheHandlerReturned() {
        Doubler doubler = new Doubler();
        TaskRun<Output> run = TaskTestKit.of(doubler).run("{\"n\": 1}");

        doubler.kept.get().progress(0.5, "too late");

        assertThat(run.progress()).isEmpty();
    }

    @Test
    void cancelsTheJobAsTheHandlerStarts() {
        TaskRun<Instant> run = TaskTestKit.of(new Waiter()).cancelled().run("{\"n\": 0}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOf(InterruptedException.class);
        assertThat(run.abandoned()).isFalse();
    }

    @Test
    void cancelsTheJobWhenTheHandlerReachesAProgressFraction() {
        TaskRun<Output> run = TaskTestKit.of(new Counter()).cancelAtProgress(0.5).run("{\"n\": 10}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOf(CancellationException.class);
        assertThat(run.progressFractions()).containsExactly(0.1, 0.2, 0.3, 0.4, 0.5);
    }

    @Test
    void cancelsTheJobFromAnotherThreadAfterADelay() {
        TaskRun<Instant> run = TaskTestKit.of(new Waiter()).cancelAfter(Duration.ofMillis(100)).run("{\"n\": 0}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOf(InterruptedException.class);
        assertThat(run.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void cancelIsTheOutcomeEvenIfTheHandlerReturnsAfterIt() {
        TaskRun<Output> run = TaskTestKit.of(new Doubler()).cancelled().run("{\"n\": 1}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isNull();
    }

    @Test
    void stopsTheHandlerAtItsDeadlineAsARetryableTimeout() {
        TaskRun<Instant> run = TaskTestKit.of(new Waiter()).timeout(Duration.ofMillis(200)).run("{\"n\": 0}");

        assertThat(run.failure().type()).isEqualTo("timeout");
        assertThat(run.failure().retryable()).isTrue();
        assertThat(run.failure().message()).isEqualTo("the attempt exceeded its timeout of PT0.2S");
        assertThat(run.thrown()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void setsTheDeadlineOneTimeoutAfterTheStart() {
        Instant before = Instant.now();
        release.countDown();

        Instant deadline = TaskTestKit.of(new Waiter()).run("{\"n\": 0}").output();

        assertThat(deadline).isBetween(before.plus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofMinutes(1)));
    }

    @Test
    void runsTheExampleTheTaskAnnounces() {
        assertThat(TaskTestKit.of(new Doubler()).runExample().output().doubled()).isEqualTo(8);
    }

    @Test
    void refusesAHandlerTheWorkerWouldRefuse() {
        assertThatIllegalArgumentException().isThrownBy(() -> TaskTestKit.of(new Unannotated()))
                .withMessageContaining("has no @Task");
    }
}
