package errand.worker.tasks;

import static errand.worker.tasks.RecordingContext.attempt;
import static errand.worker.tasks.WireRoundTrip.json;
import static errand.worker.tasks.WireRoundTrip.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FailTests {

    private static final String TWICE = "{\"failTimes\": 2, \"retryable\": true}";

    @Test
    void failsRetryablyOnTheFirstFailTimesAttempts() {
        for (int attempt = 1; attempt <= 2; attempt++) {
            int current = attempt;
            assertThatThrownBy(() -> run(new Fail(), Fail.Input.class, TWICE, attempt(current)))
                    .isNotInstanceOf(NonRetryableException.class)
                    .hasMessageContaining("attempt " + current);
        }
    }

    @Test
    void returnsTheAttemptThatSucceeded() throws Exception {
        assertThat(run(new Fail(), Fail.Input.class, TWICE, attempt(3))).isEqualTo(json("{\"attempt\": 3}"));
    }

    @Test
    void failsForGoodWhenNotRetryable() {
        assertThatExceptionOfType(NonRetryableException.class).isThrownBy(() ->
                run(new Fail(), Fail.Input.class, "{\"failTimes\": 1, \"retryable\": false}", attempt(1)));
    }

    @Test
    void failsRetryablyWhenRetryableIsLeftOut() {
        assertThatThrownBy(() -> run(new Fail(), Fail.Input.class, "{\"failTimes\": 1}", attempt(1)))
                .isNotInstanceOf(NonRetryableException.class);
    }

    @Test
    void succeedsAtOnceWithFailTimesZero() throws Exception {
        assertThat(run(new Fail(), Fail.Input.class, "{\"failTimes\": 0}", attempt(1)))
                .isEqualTo(json("{\"attempt\": 1}"));
    }

    @Test
    void getsFiveAttemptsByDefault() {
        assertThat(Fail.class.getAnnotation(Task.class).maxAttempts()).isEqualTo(5);
        assertThat(PrimeCount.class.getAnnotation(Task.class).maxAttempts()).isEqualTo(3);
    }
}
