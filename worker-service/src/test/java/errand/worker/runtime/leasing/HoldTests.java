package errand.worker.runtime.leasing;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** When a held delivery converts to a lease, on a hand-driven clock. */
class HoldTests {

    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    private final Deque<Hold.Outcome> answers = new ArrayDeque<>();
    private int conversions;

    @Test
    void isDueOnceTheHoldLimitPassedSinceTheDeliveryArrived() {
        long arrived = nanos.get();
        later(ofMillis(500));
        Hold hold = aHold(ofSeconds(2), arrived);

        assertThat(hold.nanosUntilDue()).isEqualTo(ofMillis(1500).toNanos());
        later(ofMillis(1500));
        assertThat(hold.nanosUntilDue()).isZero();
    }

    @Test
    void doesNotConvertBeforeItIsDue() {
        Hold hold = aHold(ofSeconds(2), nanos.get());
        later(ofMillis(1999));

        hold.ring();

        assertThat(conversions).isZero();
        assertThat(hold.state()).isEqualTo(Hold.State.HELD);
    }

    @Test
    void convertsOnceAndIsNeverDueAgainOnceLeased() {
        Hold hold = aHold(ofSeconds(2), nanos.get());
        answers.add(Hold.Outcome.LEASED);
        later(ofSeconds(2));

        hold.ring();
        later(ofMinutes(60));
        hold.ring();

        assertThat(conversions).isEqualTo(1);
        assertThat(hold.leased()).isTrue();
        assertThat(hold.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void keepsHoldingAndTriesAgainAHoldLimitLaterWhenLeasedWasNotConfirmed() {
        Hold hold = aHold(ofSeconds(2), nanos.get());
        answers.add(Hold.Outcome.NOT_CONFIRMED);
        answers.add(Hold.Outcome.LEASED);
        later(ofSeconds(3));

        hold.ring();

        assertThat(hold.state()).isEqualTo(Hold.State.HELD);
        assertThat(hold.nanosUntilDue()).isEqualTo(ofSeconds(2).toNanos());
        later(ofSeconds(2));
        hold.ring();
        assertThat(conversions).isEqualTo(2);
        assertThat(hold.leased()).isTrue();
    }

    @Test
    void triesAgainWithinThirtySecondsWhateverTheHoldLimit() {
        Hold hold = aHold(ofMinutes(15), nanos.get());
        answers.add(Hold.Outcome.NOT_CONFIRMED);
        later(ofMinutes(15));

        hold.ring();

        assertThat(hold.nanosUntilDue()).isEqualTo(ofSeconds(30).toNanos());
        assertThat(Hold.retryPause(ofSeconds(2))).isEqualTo(ofSeconds(2));
        assertThat(Hold.retryPause(ofMinutes(15))).isEqualTo(Hold.MAX_RETRY_PAUSE);
    }

    @Test
    void neverConvertsADeliveryTheBrokerAlreadyTookBack() {
        Hold hold = aHold(ofSeconds(2), nanos.get());
        answers.add(Hold.Outcome.DELIVERY_LOST);
        later(ofSeconds(2));

        hold.ring();
        later(ofMinutes(60));
        hold.ring();

        assertThat(conversions).isEqualTo(1);
        assertThat(hold.state()).isEqualTo(Hold.State.LOST);
        assertThat(hold.leased()).isFalse();
        assertThat(hold.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void keepsHoldingWhenTheConversionFailsUnexpectedly() {
        Hold hold = new Hold(ofSeconds(2), nanos.get(), () -> {
            throw new IllegalStateException("bug");
        }, nanos::get);
        later(ofSeconds(2));

        hold.ring();

        assertThat(hold.state()).isEqualTo(Hold.State.HELD);
        assertThat(hold.nanosUntilDue()).isEqualTo(ofSeconds(2).toNanos());
    }

    private Hold aHold(Duration limit, long arrivedNanos) {
        return new Hold(limit, arrivedNanos, () -> {
            conversions++;
            return answers.remove();
        }, nanos::get);
    }

    private void later(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
