package errand.worker.runtime.leasing;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.WorkerHeartbeat;
import errand.worker.runtime.WorkerProperties;
import errand.worker.runtime.consuming.HeldDelivery;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.registry.TaskFixtures;
import errand.worker.runtime.reporting.UnconfirmedPublishException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Converting a held delivery to a lease, against a recording delivery and announcer. */
class LeasingTests {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final RunningJobs running = new RunningJobs();
    private final JobMessage job = TaskFixtures.aJob("sleep", "{\"millis\": 60000}");
    private final RecordingDelivery delivery = new RecordingDelivery();
    private boolean confirms = true;
    private final Leasing leasing = new Leasing(this::announce, running, properties(), Clock.fixed(NOW,
            ZoneOffset.UTC));

    @Test
    void cancelsTheConsumerThenAnnouncesTheLeaseThenAcknowledges() {
        Hold.Outcome outcome = leasing.convert("sleep", job, "00-trace-span-01", delivery);

        assertThat(outcome).isEqualTo(Hold.Outcome.LEASED);
        assertThat(calls).containsExactly("stopConsuming",
                "announce " + new JobEvent.Leased(job.jobId(), 1, "w1", NOW, NOW.plusSeconds(3)) + " 00-trace-span-01",
                "ack");
        assertThat(running.leases()).containsExactly(new WorkerHeartbeat.Lease(job.jobId(), 1));
        assertThat(running.leased("sleep")).isEqualTo(1);
    }

    @Test
    void keepsHoldingTheDeliveryWhenTheLeaseIsNotConfirmed() {
        confirms = false;

        Hold.Outcome outcome = leasing.convert("sleep", job, null, delivery);

        assertThat(outcome).isEqualTo(Hold.Outcome.NOT_CONFIRMED);
        assertThat(calls).doesNotContain("ack");
        assertThat(running.leases()).isEmpty();
    }

    @Test
    void leavesADeliveryWhoseChannelClosedToTheBroker() {
        delivery.open = false;

        Hold.Outcome outcome = leasing.convert("sleep", job, null, delivery);

        assertThat(outcome).isEqualTo(Hold.Outcome.DELIVERY_LOST);
        assertThat(calls).isEmpty();
        assertThat(running.leases()).isEmpty();
    }

    @Test
    void goesOnUnderTheLeaseWhenTheAcknowledgementFails() {
        delivery.ackFails = true;

        assertThat(leasing.convert("sleep", job, null, delivery)).isEqualTo(Hold.Outcome.LEASED);
        assertThat(running.leases()).hasSize(1);
    }

    @Test
    void stopsListingTheLeaseOnceTheAttemptEnded() {
        leasing.convert("sleep", job, null, delivery);

        leasing.end(job);

        assertThat(running.leases()).isEmpty();
        assertThat(running.leased("sleep")).isZero();
    }

    @Test
    void holdsADeliveryForTheHoldLimitFromItsArrival() {
        Hold hold = leasing.hold("sleep", job, null, delivery);

        assertThat(hold.nanosUntilDue()).isBetween(0L, ofSeconds(2).toNanos());
        assertThat(hold.state()).isEqualTo(Hold.State.HELD);
    }

    private void announce(JobEvent.Leased leased, @Nullable String traceparent) throws UnconfirmedPublishException {
        calls.add("announce " + leased + " " + traceparent);
        if (!confirms) {
            throw new UnconfirmedPublishException("event Leased nacked by the broker");
        }
    }

    private static WorkerProperties properties() {
        return new WorkerProperties("w1", List.of(), Map.of(), ofSeconds(1), ofSeconds(1), ofSeconds(30),
                ofSeconds(30), ofSeconds(2), Duration.ZERO, 0, 4, 100);
    }

    private final class RecordingDelivery implements HeldDelivery {

        private final long received = System.nanoTime();
        private boolean open = true;
        private boolean ackFails;

        @Override
        public long receivedNanos() {
            return received;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void stopConsuming() {
            calls.add("stopConsuming");
        }

        @Override
        public void ack() throws IOException {
            if (ackFails) {
                throw new IOException("channel closed");
            }
            calls.add("ack");
        }

        @Override
        public void reject(boolean requeue) {
            calls.add("reject " + requeue);
        }
    }
}
