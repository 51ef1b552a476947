package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;

class SleepTests {

    private final TaskTestKit<Sleep.Input, Sleep.Output> sleep = TaskTestKit.of(new Sleep());

    @Test
    void sleepsTheRequestedMillisAndSaysSo() {
        TaskRun<Sleep.Output> run = sleep.run("{\"millis\": 300}");

        assertThat(run.outputJson()).hasToString("{\"sleptMillis\":300}");
        assertThat(run.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void returnsAtOnceForZeroMillis() {
        assertThat(sleep.run(new Sleep.Input(0)).output()).isEqualTo(new Sleep.Output(0));
    }

    @Test
    void reportsProgressWhileSleeping() {
        TaskRun<Sleep.Output> run = sleep.run("{\"millis\": 600}");

        assertThat(run.progressFractions()).hasSizeGreaterThanOrEqualTo(2).isSorted()
                .allSatisfy(fraction -> assertThat(fraction).isBetween(0.0, 1.0));
    }

    @Test
    void stopsPromptlyWhenCancelledWhileSleeping() {
        TaskRun<Sleep.Output> run = sleep.cancelAfter(Duration.ofMillis(100)).run("{\"millis\": 60000}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOfAny(InterruptedException.class, CancellationException.class);
        assertThat(run.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void stopsWhenTheAttemptIsCancelled() {
        TaskRun<Sleep.Output> run = sleep.cancelled().run("{\"millis\": 60000}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void timesOutAtItsDeadline() {
        TaskRun<Sleep.Output> run = sleep.timeout(Duration.ofMillis(200)).run("{\"millis\": 60000}");

        assertThat(run.failure().type()).isEqualTo("timeout");
        assertThat(run.failure().retryable()).isTrue();
        assertThat(run.abandoned()).isFalse();
    }
}
