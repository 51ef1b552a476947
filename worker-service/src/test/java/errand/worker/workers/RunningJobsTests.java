package errand.worker.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class RunningJobsTests {

    private final RunningJobs running = new RunningJobs();

    @Test
    void remembersRecentCancelsAndForgetsTheOldestFirst() {
        UUID oldest = UUID.randomUUID();
        running.cancel(oldest);
        UUID newest = null;
        for (int i = 0; i < RunningJobs.REMEMBERED_CANCELS; i++) {
            newest = UUID.randomUUID();
            running.cancel(newest);
        }

        assertThat(running.isCancelled(newest)).isTrue();
        assertThat(running.isCancelled(oldest)).isFalse();
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
            }
            catch (InterruptedException ex) {
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
