package errand.worker.runtime.executing;

import static errand.worker.runtime.registry.TaskFixtures.aDecoder;
import static errand.worker.runtime.registry.TaskFixtures.aJob;
import static errand.worker.runtime.registry.TaskFixtures.theTask;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import errand.model.TaskKind;
import errand.worker.tasks.NonRetryableException;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskContext;
import errand.worker.tasks.TaskHandler;
import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test kit ({@code errand.worker.testkit}) decodes, validates and reports like the runtime: the same payloads give
 * the same outcome through {@link AttemptRunner} and through {@link TaskTestKit}. Handlers are inner classes,
 * invisible to the integration tests' component scan.
 */
class TestKitMatchesRuntimeTests {

    record Input(@Min(1) long upTo, @NotBlank String name, @Nullable @Size(max = 3) List<@Positive Integer> values) {
    }

    record Output(long upTo, String name) {
    }

    private final HandlerExecutors executors = new HandlerExecutors(1, handler -> handler);
    private final AttemptRunner runner = new AttemptRunner(aDecoder(), executors, new RunningJobs(),
            Clock.systemUTC(), Duration.ofMillis(300));

    @Task(name = "compare", kind = TaskKind.CPU)
    class Compared implements TaskHandler<Input, @Nullable Output> {
        @Override
        public @Nullable Output handle(Input input, TaskContext context) {
            return switch (input.name()) {
                case "throw" -> throw new IllegalArgumentException("bad luck");
                case "refuse" -> throw new IllegalStateException("outer", new NonRetryableException("inner"));
                case "nothing" -> null;
                default -> new Output(input.upTo(), input.name());
            };
        }
    }

    @AfterEach
    void closeExecutors() {
        executors.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"upTo\": 10, \"name\": \"ten\"}",
        "{\"upTo\": 10, \"name\": \"ten\", \"values\": [1, 2], \"unknown\": true}",
        "{\"upTo\": 10, \"name\": \"nothing\"}",
        "{\"upTo\": 10, \"name\": \"throw\"}",
        "{\"upTo\": 10, \"name\": \"refuse\"}",
        "{\"upTo\": 0, \"name\": \"zero\"}",
        "{\"upTo\": 0, \"name\": \" \", \"values\": [1, -2, 3, 4]}",
        "{\"upTo\": \"many\", \"name\": \"x\"}",
        "{\"upTo\": 1, \"name\": \"x\", \"values\": [1, \"two\"]}",
        "{\"upTo\": null, \"name\": \"x\"}",
        "{\"name\": \"x\"}",
        "{}",
        "[1, 2]",
        "\"text\"",
    })
    void reportsTheSameOutcomeAsTheRuntime(String payload) {
        AttemptResult runtime = runner.run(theTask(new Compared()), aJob("compare", payload), (fraction, note) -> {
        });

        TaskRun<@Nullable Output> kit = TaskTestKit.of(new Compared()).run(payload);

        assertThat(kit.outcome()).isEqualTo(switch (runtime) {
            case AttemptResult.Succeeded succeeded -> new TaskRun.Outcome.Succeeded(succeeded.result());
            case AttemptResult.Failed failed -> new TaskRun.Outcome.Failed(failed.failure());
            case AttemptResult.Cancelled _ -> new TaskRun.Outcome.Cancelled();
            case AttemptResult.GivenBack givenBack -> throw new AssertionError(givenBack);
        });
    }

    @Test
    void timesOutLikeTheRuntime() {
        @Task(name = "forever", kind = TaskKind.IO)
        class Forever implements TaskHandler<Input, Output> {
            @Override
            public Output handle(Input input, TaskContext context) throws InterruptedException {
                new CountDownLatch(1).await();
                return new Output(0, "");
            }
        }
        String payload = "{\"upTo\": 1, \"name\": \"x\"}";

        AttemptResult runtime = runner.run(theTask(new Forever()), aJob("forever", payload, Duration.ofMillis(100)),
                (fraction, note) -> {
                });
        TaskRun<Output> kit = TaskTestKit.of(new Forever()).timeout(Duration.ofMillis(100)).run(payload);

        assertThat(runtime).isEqualTo(new AttemptResult.Failed(kit.failure()));
    }
}
