package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import errand.model.Failure;
import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;

class FailTests {

    private static final String TWICE = "{\"failTimes\": 2, \"retryable\": true}";

    private final TaskTestKit<Fail.Input, Fail.Output> fail = TaskTestKit.of(new Fail());

    @Test
    void failsRetryablyOnTheFirstFailTimesAttempts() {
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(fail.attempt(attempt).run(TWICE).failure()).isEqualTo(new Failure("IllegalStateException",
                    "planned failure on attempt " + attempt + " of 2", true));
        }
    }

    @Test
    void returnsTheAttemptThatSucceeded() {
        assertThat(fail.attempt(3).run(TWICE).output()).isEqualTo(new Fail.Output(3));
    }

    @Test
    void failsForGoodWhenNotRetryable() {
        var run = fail.run("{\"failTimes\": 1, \"retryable\": false}");

        assertThat(run.failure().retryable()).isFalse();
        assertThat(run.thrown()).isInstanceOf(NonRetryableException.class);
    }

    @Test
    void failsRetryablyWhenRetryableIsLeftOut() {
        assertThat(fail.run("{\"failTimes\": 1}").failure().retryable()).isTrue();
    }

    @Test
    void succeedsAtOnceWithFailTimesZero() {
        assertThat(fail.run("{\"failTimes\": 0}").outputJson()).hasToString("{\"attempt\":1}");
    }

    @Test
    void succeedsAtOnceWhenFailTimesIsLeftOut() {
        assertThat(fail.run("{}").output()).isEqualTo(new Fail.Output(1));
    }

    @Test
    void haltsTheProcessOnEveryAttemptWhenAskedToCrash() {
        List<Integer> halts = new CopyOnWriteArrayList<>();
        TaskTestKit<Fail.Input, Fail.Output> crashing = TaskTestKit.of(new Fail(halts::add));

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(crashing.attempt(attempt).run("{\"crash\": true, \"failTimes\": 0}").failure().message())
                    .contains("asked to crash");
        }

        assertThat(halts).containsExactly(Fail.CRASH_STATUS, Fail.CRASH_STATUS, Fail.CRASH_STATUS);
    }

    @Test
    void neverHaltsUnlessAskedTo() {
        List<Integer> halts = new CopyOnWriteArrayList<>();
        TaskTestKit<Fail.Input, Fail.Output> kit = TaskTestKit.of(new Fail(halts::add));

        assertThat(kit.run("{\"failTimes\": 1, \"crash\": false}").failure().message())
                .isEqualTo("planned failure on attempt 1 of 1");
        assertThat(kit.attempt(2).run("{\"failTimes\": 1, \"crash\": null}").output()).isEqualTo(new Fail.Output(2));

        assertThat(halts).isEmpty();
    }

    @Test
    void ignoresItsInterruptWhenAskedToHangSoTheRuntimeAbandonsIt() {
        TaskRun<Fail.Output> run = fail.timeout(Duration.ofMillis(200)).run("{\"hang\": true}");

        assertThat(run.abandoned()).as("%s", run).isTrue();
        assertThat(run.failure()).isEqualTo(new Failure("timeout", "the attempt exceeded its timeout of PT0.2S; "
                + "the handler ignored its interrupt and was abandoned", true));
        assertThat(run.elapsed()).isGreaterThanOrEqualTo(TaskTestKit.STOP_GRACE);
    }

    @Test
    void getsFiveAttemptsByDefault() {
        assertThat(Fail.class.getAnnotation(Task.class).maxAttempts()).isEqualTo(5);
        assertThat(PrimeCount.class.getAnnotation(Task.class).maxAttempts()).isEqualTo(3);
    }
}
