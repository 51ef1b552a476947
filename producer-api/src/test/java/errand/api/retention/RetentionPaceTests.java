package errand.api.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetentionPaceTests {

    @Test
    void aTenthShareRestsNineTimesAsLongAsTheBatchTook() {
        assertThat(new RetentionPace(0.1).restAfter(Duration.ofMillis(40))).isEqualTo(Duration.ofMillis(360));
    }

    @Test
    void aQuarterShareRestsThreeTimesAsLong() {
        assertThat(new RetentionPace(0.25).restAfter(Duration.ofMillis(40))).isEqualTo(Duration.ofMillis(120));
    }

    @Test
    void aWholeShareNeverRests() {
        assertThat(new RetentionPace(1).restAfter(Duration.ofSeconds(5))).isZero();
    }

    @Test
    void refusesAShareOutsideZeroToOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPace(0));
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPace(1.5));
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPace(Double.NaN));
    }
}
