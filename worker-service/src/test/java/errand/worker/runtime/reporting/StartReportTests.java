package errand.worker.runtime.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void publishesTheStartedEventOnlyOnceWhateverSendsIt() {
        assertThat(report.sendNow()).isTrue();
        assertThat(report.sendNow()).isFalse();

        now.addAndGet(100);
        report.ring();

        assertThat(published).hasValue(1);
    }

    @Test
    void holdsTheLatestProgressUntilTheStartedEventIsDueThenPublishesItRightAfter() {
        List<String> sent = new ArrayList<>();
        StartReport ordered = new StartReport(() -> sent.add("started"), Duration.ofNanos(100), now.get(), now::get);

        assertThat(ordered.holdUnlessDue(() -> sent.add("progress 0.3"))).isTrue();
        assertThat(ordered.holdUnlessDue(() -> sent.add("progress 0.6"))).isTrue();
        assertThat(sent).isEmpty();
        now.addAndGet(100);
        ordered.ring();

        assertThat(sent).containsExactly("started", "progress 0.6");
        assertThat(ordered.holdUnlessDue(() -> sent.add("progress 0.9"))).as("held once started").isFalse();
    }

    @Test
    void holdsNoProgressOnceTheStartedEventIsDue() {
        now.addAndGet(100);

        assertThat(report.holdUnlessDue(() -> published.addAndGet(100))).isFalse();
        assertThat(report.sendNow()).isTrue();
        assertThat(published).hasValue(1);
    }

    @Test
    void dropsTheHeldProgressOfAnAttemptThatEndsBeforeTheDelay() {
        AtomicInteger progress = new AtomicInteger();
        assertThat(report.holdUnlessDue(progress::incrementAndGet)).isTrue();

        assertThat(report.close()).isFalse();
        now.addAndGet(1_000);
        report.ring();

        assertThat(progress).hasValue(0);
        assertThat(published).hasValue(0);
        assertThat(report.holdUnlessDue(progress::incrementAndGet)).as("held after the attempt ended").isFalse();
    }

    @Test
    void dropsHeldProgressWhenNewerProgressSendsTheStartedEvent() {
        AtomicInteger held = new AtomicInteger();
        report.holdUnlessDue(held::incrementAndGet);
        now.addAndGet(100);

        assertThat(report.sendNow()).isTrue();
        report.ring();

        assertThat(published).hasValue(1);
        assertThat(held).as("superseded by the caller's newer progress").hasValue(0);
    }

    @Test
    void reportsEveryStartWithoutDelay() {
        StartReport immediate = new StartReport(published::incrementAndGet, Duration.ZERO, now.get(), now::get);

        assertThat(immediate.nanosUntilDue()).isZero();
    }
}
