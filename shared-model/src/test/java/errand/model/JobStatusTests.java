package errand.model;

import static errand.model.JobStatus.CANCELLED;
import static errand.model.JobStatus.FAILED;
import static errand.model.JobStatus.QUEUED;
import static errand.model.JobStatus.RETRYING;
import static errand.model.JobStatus.RUNNING;
import static errand.model.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobStatusTests {

    @ParameterizedTest
    @EnumSource(names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void rejectsEveryMoveOutOfATerminalStatus(JobStatus terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        for (JobStatus next : JobStatus.values()) {
            assertThat(terminal.canMoveTo(next)).as("%s -> %s", terminal, next).isFalse();
        }
    }

    @Test
    void allowsExactlyTheDocumentedMoves() {
        assertThat(allowedFrom(QUEUED)).containsExactlyInAnyOrder(RUNNING, CANCELLED);
        assertThat(allowedFrom(RUNNING)).containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED, RETRYING);
        assertThat(allowedFrom(RETRYING)).containsExactlyInAnyOrder(QUEUED, CANCELLED);
    }

    @Test
    void rejectsMovingBackwardsFromRunningToQueued() {
        assertThat(RUNNING.canMoveTo(QUEUED)).isFalse();
    }

    private static EnumSet<JobStatus> allowedFrom(JobStatus from) {
        EnumSet<JobStatus> allowed = EnumSet.noneOf(JobStatus.class);
        for (JobStatus next : JobStatus.values()) {
            if (from.canMoveTo(next)) {
                allowed.add(next);
            }
        }
        return allowed;
    }
}
