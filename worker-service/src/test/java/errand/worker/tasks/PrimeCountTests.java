package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;

import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrimeCountTests {

    private final TaskTestKit<PrimeCount.Input, PrimeCount.Output> primeCount = TaskTestKit.of(new PrimeCount());

    @Test
    void countsThePrimesUpToOneHundredThousand() {
        assertThat(primeCount.run("{\"upTo\": 100000}").outputJson()).hasToString("{\"count\":9592}");
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 1", "3, 2", "10, 4", "97, 25", "1048575, 82025", "1048576, 82025", "1048583, 82026",
            "10000000, 664579"})
    void countsPrimesLessThanOrEqualToTheBound(long upTo, long count) {
        assertThat(primeCount.run(new PrimeCount.Input(upTo)).output()).isEqualTo(new PrimeCount.Output(count));
    }

    @Test
    void reportsProgressUpToCompletion() {
        TaskRun<PrimeCount.Output> run = primeCount.run("{\"upTo\": 3000000}");

        assertThat(run.progressFractions()).hasSize(3).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void refusesABoundOutsideItsRange() {
        assertThat(primeCount.run("{\"upTo\": 0}").failure().message())
                .isEqualTo("upTo: must be greater than or equal to 1");
        assertThat(primeCount.run("{\"upTo\": 2000000001}").failure().type()).isEqualTo("invalid-input");
    }

    @Test
    void stopsWhenTheAttemptIsCancelled() {
        TaskRun<PrimeCount.Output> run = primeCount.cancelAtProgress(0.0).run("{\"upTo\": 2000000000}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOf(CancellationException.class);
        assertThat(run.progress()).hasSize(1);
        assertThat(run.abandoned()).isFalse();
    }
}
