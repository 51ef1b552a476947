package errand.worker.tasks;

import static errand.worker.tasks.RecordingContext.cancelledAttempt;
import static errand.worker.tasks.RecordingContext.firstAttempt;
import static errand.worker.tasks.WireRoundTrip.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PiTests {

    @Test
    void estimatesPiFromAMillionSamples() throws Exception {
        JsonNode result = run(new Pi(), Pi.Input.class, "{\"samples\": 1000000, \"seed\": 42}", firstAttempt());

        assertThat(result.propertyNames()).containsExactly("estimate");
        assertThat(result.get("estimate").asDouble()).isCloseTo(Math.PI, within(0.01));
    }

    @Test
    void givesTheSameEstimateForTheSameSeedOnEveryAttempt() throws Exception {
        String payload = "{\"samples\": 200000, \"seed\": 7}";

        JsonNode first = run(new Pi(), Pi.Input.class, payload, firstAttempt());
        JsonNode retry = run(new Pi(), Pi.Input.class, payload, RecordingContext.attempt(2));

        assertThat(retry).isEqualTo(first);
        assertThat(run(new Pi(), Pi.Input.class, "{\"samples\": 200000, \"seed\": 8}", firstAttempt()))
                .isNotEqualTo(first);
    }

    @Test
    void usesSeedZeroWhenNoneIsGiven() throws Exception {
        assertThat(run(new Pi(), Pi.Input.class, "{\"samples\": 100000}", firstAttempt()))
                .isEqualTo(run(new Pi(), Pi.Input.class, "{\"samples\": 100000, \"seed\": 0}", firstAttempt()));
    }

    @Test
    void reportsProgressUpToCompletion() throws Exception {
        RecordingContext context = firstAttempt();

        run(new Pi(), Pi.Input.class, "{\"samples\": 3000000, \"seed\": 1}", context);

        assertThat(context.progress()).hasSize(3).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void stopsWhenTheAttemptIsCancelled() {
        assertThatExceptionOfType(CancellationException.class).isThrownBy(() ->
                run(new Pi(), Pi.Input.class, "{\"samples\": 100000000000}", cancelledAttempt()));
    }
}
