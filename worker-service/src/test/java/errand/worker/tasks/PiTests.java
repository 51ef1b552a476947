package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.CancellationException;

import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;

class PiTests {

    private final TaskTestKit<Pi.Input, Pi.Output> pi = TaskTestKit.of(new Pi());

    @Test
    void estimatesPiFromAMillionSamples() {
        TaskRun<Pi.Output> run = pi.run("{\"samples\": 1000000, \"seed\": 42}");

        assertThat(run.outputJson().propertyNames()).containsExactly("estimate");
        assertThat(run.output().estimate()).isCloseTo(Math.PI, within(0.01));
    }

    @Test
    void givesTheSameEstimateForTheSameSeedOnEveryAttempt() {
        String payload = "{\"samples\": 200000, \"seed\": 7}";

        Pi.Output first = pi.run(payload).output();

        assertThat(pi.attempt(2).run(payload).output()).isEqualTo(first);
        assertThat(pi.run("{\"samples\": 200000, \"seed\": 8}").output()).isNotEqualTo(first);
    }

    @Test
    void usesSeedZeroWhenNoneIsGiven() {
        assertThat(pi.run("{\"samples\": 100000}").output())
                .isEqualTo(pi.run("{\"samples\": 100000, \"seed\": 0}").output())
                .isEqualTo(pi.run(new Pi.Input(100_000, null)).output());
    }

    @Test
    void reportsProgressUpToCompletion() {
        TaskRun<Pi.Output> run = pi.run("{\"samples\": 3000000, \"seed\": 1}");

        assertThat(run.progressFractions()).hasSize(3).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void stopsWhenTheAttemptIsCancelled() {
        TaskRun<Pi.Output> run = pi.cancelAtProgress(0.0).run("{\"samples\": 100000000000}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOf(CancellationException.class);
        assertThat(run.progress()).hasSize(1);
        assertThat(run.abandoned()).isFalse();
    }
}
