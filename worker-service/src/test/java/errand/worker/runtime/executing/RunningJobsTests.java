package errand.worker.runtime.executing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import errand.model.ControlCommand;
import org.junit.jupiter.api.Test;

class RunningJobsTests {

    private final RunningJobs running = new RunningJobs();

    @Test
    void remembersRecentCancelsAndForgetsTheLeastRecentlyCancelledFirst() {
        UUID oldest = UUID.randomUUID();
        UUID cancelledAgain = UUID.randomUUID();
        running.cancel(cancelledAgain, 1);
        running.cancel(oldest, 1);
        running.cancel(cancelledAgain, 2);
        UUID newest = null;
        for (int i = 0; i < RunningJobs.REMEMBERED_CANCELS - 1; i++) {
            newest = UUID.randomUUID();
            running.cancel(newest, 1);
        }

        assertThat(running.isCancelled(newest, 1)).isTrue();
        assertThat(running.isCancelled(cancelledAgain, 2)).isTrue();
        assertThat(running.isCancelled(oldest, 1)).isFalse();
    }

    @Test
    void fencesTheCancelledAttemptAndOlderOnesButNotALaterOne() {
        UUID job = UUID.randomUUID();

        running.cancel(job, 2);

        assertThat(running.isCancelled(job, 1)).isTrue();
        assertThat(running.isCancelled(job, 2)).isTrue();
        assertThat(running.isCancelled(job, 3)).as("the attempt a retry queues after the cancel").isFalse();
    }

    @Test
    void keepsTheHighestFenceWhenAnOlderCancelArrivesLate() {
        UUID job = UUID.randomUUID();
        running.cancel(job, 3);

        running.cancel(job, 1);

        assertThat(running.isCancelled(job, 3)).isTrue();
        assertThat(running.isCancelled(job, 4)).isFalse();
    }

    @Test
    void fencesTheFirstAttemptOnACancelThatNamesNoAttemptWhileNothingOfTheJobRunsHere() {
        UUID job = UUID.randomUUID();

        running.cancel(new ControlCommand.CancelJob(job, null, Instant.now()));

        assertThat(running.isCancelled(job, 1)).isTrue();
        assertThat(running.isCancelled(job, 2)).isFalse();
    }

    @Test
    void countsHeldDeliveriesPerType() {
        running.hold("echo");
        running.hold("echo");
        running.hold("pi");
        running.release("echo");

        assertThat(running.held("echo")).isEqualTo(1);
        assertThat(running.held("pi")).isEqualTo(1);
        assertThat(running.held("sleep")).isZero();
        assertThat(running.heldTotal()).isEqualTo(2);
    }

    @Test
    void waitsUntilTheLastDeliveryIsReleased() throws Exception {
        running.hold("echo");
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> {
            try {
                return running.awaitIdle(Duration.ofSeconds(10));
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });

        running.release("echo");

        assertThat(idle.get()).isTrue();
    }

    @Test
    void givesUpWaitingAfterTheTimeout() throws Exception {
        running.hold("echo");

        assertThat(running.awaitIdle(Duration.ofMillis(50))).isFalse();
    }
}
