package errand.worker.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class StartReportTests {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger published = new AtomicInteger();
    private final StartReport report = new StartReport(published::incrementAndGet, Duration.ofNanos(100), now.get(),
            now::get);

    @Test
    void isDueOnceTheAttemptRanForTheDelay() {
        assertThat(report.nanosUntilDue()).isEqualTo(100);

        now.addAndGet(100);

        assertThat(report.nanosUntilDue()).isZero();
    }

    @Test
    void publishesTheStartedEventOnceWhenItRings() {
        now.addAndGet(100);

        report.ring();
        report.ring();

        assertThat(published).hasValue(1);
        assertThat(report.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
        assertThat(report.close()).as("the outcome must wait for the started event's confirm").isTrue();
    }

    @Test
    void reportsNothingForAnAttemptThatEndsBeforeTheDelay() {
        assertThat(report.close()).isFalse();

        now.addAndGet(1_000);
        report.ring();

        assertThat(published).hasValue(0);
        assertThat(report.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void publishesTheStartedEventEarlyForTheFirstProgressReport() {
        assertThat(report.sendNow()).isTrue();
        assertThat(report.sendNow()).isFalse();

        now.addAndGet(100);
        report.ring();

        assertThat(published).hasValue(1);
    }

    @Test
    void reportsEveryStartWithoutDelay() {
        StartReport immediate = new StartReport(published::incrementAndGet, Duration.ZERO, now.get(), now::get);

        assertThat(immediate.nanosUntilDue()).isZero();
    }
}
