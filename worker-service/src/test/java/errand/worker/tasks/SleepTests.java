package errand.worker.tasks;

import static errand.worker.tasks.RecordingContext.cancelledAttempt;
import static errand.worker.tasks.RecordingContext.firstAttempt;
import static errand.worker.tasks.WireRoundTrip.json;
import static errand.worker.tasks.WireRoundTrip.run;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class SleepTests {

    @Test
    void sleepsTheRequestedMillisAndSaysSo() throws Exception {
        long start = System.nanoTime();

        assertThat(run(new Sleep(), Sleep.Input.class, "{\"millis\": 300}", firstAttempt()))
                .isEqualTo(json("{\"sleptMillis\": 300}"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void returnsAtOnceForZeroMillis() throws Exception {
        assertThat(run(new Sleep(), Sleep.Input.class, "{\"millis\": 0}", firstAttempt()))
                .isEqualTo(json("{\"sleptMillis\": 0}"));
    }

    @Test
    void reportsProgressWhileSleeping() throws Exception {
        RecordingContext context = firstAttempt();

        run(new Sleep(), Sleep.Input.class, "{\"millis\": 600}", context);

        assertThat(context.progress()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(fraction ->
                assertThat(fraction).isBetween(0.0, 1.0));
        assertThat(context.progress()).isSorted();
    }

    @Test
    void stopsPromptlyWhenInterrupted() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                run(new Sleep(), Sleep.Input.class, "{\"millis\": 60000}", firstAttempt());
            }
            catch (Exception ex) {
                thrown.set(ex);
            }
        });

        sleeper.interrupt();

        await().atMost(ofSeconds(2)).until(() -> !sleeper.isAlive());
        assertThat(thrown.get()).isInstanceOfAny(InterruptedException.class, CancellationException.class);
    }

    @Test
    void stopsWhenTheAttemptIsCancelled() {
        assertThatExceptionOfType(CancellationException.class).isThrownBy(() ->
                run(new Sleep(), Sleep.Input.class, "{\"millis\": 60000}", cancelledAttempt()));
    }
}
