package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import errand.model.Failure;
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
    void getsFiveAttemptsByDefault() {
        assertThat(Fail.class.getAnnotation(Task.class).maxAttempts()).isEqualTo(5);
        assertThat(PrimeCount.class.getAnnotation(Task.class).maxAttempts()).isEqualTo(3);
    }
}
