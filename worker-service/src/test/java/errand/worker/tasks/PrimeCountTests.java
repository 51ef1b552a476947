package errand.worker.tasks;

import static errand.worker.tasks.RecordingContext.cancelledAttempt;
import static errand.worker.tasks.RecordingContext.firstAttempt;
import static errand.worker.tasks.WireRoundTrip.json;
import static errand.worker.tasks.WireRoundTrip.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrimeCountTests {

    @Test
    void countsThePrimesUpToOneHundredThousand() throws Exception {
        assertThat(run(new PrimeCount(), PrimeCount.Input.class, "{\"upTo\": 100000}", firstAttempt()))
                .isEqualTo(json("{\"count\": 9592}"));
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 1", "3, 2", "10, 4", "97, 25", "1048575, 82025", "1048576, 82025", "1048583, 82026",
            "10000000, 664579"})
    void countsPrimesLessThanOrEqualToTheBound(long upTo, long count) throws Exception {
        assertThat(run(new PrimeCount(), PrimeCount.Input.class, "{\"upTo\": " + upTo + "}", firstAttempt()))
                .isEqualTo(json("{\"count\": " + count + "}"));
    }

    @Test
    void reportsProgressUpToCompletion() throws Exception {
        RecordingContext context = firstAttempt();

        run(new PrimeCount(), PrimeCount.Input.class, "{\"upTo\": 3000000}", context);

        assertThat(context.progress()).hasSize(3).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void stopsWhenTheAttemptIsCancelled() {
        assertThatExceptionOfType(CancellationException.class).isThrownBy(() ->
                run(new PrimeCount(), PrimeCount.Input.class, "{\"upTo\": 2000000000}", cancelledAttempt()));
    }
}
