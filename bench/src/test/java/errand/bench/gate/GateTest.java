package errand.bench.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GateTest {

    private static Gate.Counts counts(long rows, long distinct, long correct, long errors) {
        return new Gate.Counts(300, 300, rows, distinct, correct, correct, 0, errors, true);
    }

    @Test
    void passesWhenEverySubmittedJobHasItsCheckedResult() {
        assertThat(Gate.judge(counts(300, 300, 300, 0))).isEqualTo(new Gate.Verdict(true, 0));
    }

    @Test
    void failsOnALostOrWrongJob() {
        assertThat(Gate.judge(counts(300, 300, 299, 0))).isEqualTo(new Gate.Verdict(false, 1));
    }

    @Test
    void failsOnAnExtraRowADuplicateOrAClientError() {
        assertThat(Gate.judge(counts(301, 300, 300, 0)).passed()).isFalse();
        assertThat(Gate.judge(counts(300, 299, 300, 0)).passed()).isFalse();
        assertThat(Gate.judge(counts(300, 300, 300, 1)).passed()).isFalse();
    }

    @Test
    void primeCountJobsNeedNotBeDistinct() {
        Gate.Counts cpu = new Gate.Counts(30, 30, 30, 1, 30, 30, 0, 0, false);
        assertThat(Gate.judge(cpu).passed()).isTrue();
    }

    @Test
    void failsWhenNotEverySubmitWasAccepted() {
        Gate.Counts c = new Gate.Counts(300, 299, 300, 300, 300, 300, 0, 0, true);
        assertThat(Gate.judge(c).passed()).isFalse();
    }

    @Test
    void theBannerSaysWhatFailed() {
        assertThat(Gate.failureBanner("errand", "batch", "round1", counts(300, 300, 299, 0)))
                .contains("CORRECTNESS GATE FAILED (errand batch, round1)").contains("lost or wrong 1");
    }

    @Test
    void theRunFailsWithAnyFailedWorkload() {
        RunGate gate = new RunGate();
        assertThat(gate.passed()).isTrue();
        gate.fail("errand batch round1");
        assertThat(gate.passed()).isFalse();
        assertThat(gate.failed()).containsExactly("errand batch round1");
    }
}
