package errand.worker.runtime.consuming;

import static errand.worker.runtime.consuming.SlotGate.Start.HELD_TOO_LONG;
import static errand.worker.runtime.consuming.SlotGate.Start.STARTED;
import static errand.worker.runtime.consuming.SlotGate.Start.STOPPING;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CpuAdmissionTests {

    private static final Duration HOLD_LIMIT = Duration.ofMinutes(15);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> woken = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void letsOneTypeAloneStartAsManyJobsAsThereAreCoresWithOneDeliveryWaiting() {
        CpuAdmission admission = new CpuAdmission(2, HOLD_LIMIT);
        SlotGate prime = admission.type(2);
        assertThat(prime.consumeOrPark(wake("slot-1"))).isTrue();
        assertThat(prime.consumeOrPark(wake("slot-2"))).as("the type already has a scout").isFalse();
        assertThat(prime.consumeOrPark(wake("slot-3"))).isFalse();

        assertThat(start(prime).join()).isEqualTo(STARTED);
        assertThat(woken).as("a started job makes a parked slot the scout").containsExactly("slot-2");
        assertThat(start(prime).join()).isEqualTo(STARTED);
        assertThat(woken).containsExactly("slot-2", "slot-3");
        CompletableFuture<SlotGate.Start> third = start(prime);

        await().atMost(ofSeconds(5)).until(() -> admission.waiting() == 1);
        assertThat(third).isNotDone();
        assertThat(admission.running()).isEqualTo(2);
        prime.ended();
        assertThat(third.join()).isEqualTo(STARTED);
        assertThat(admission.running()).isEqualTo(2);
    }

    @Test
    void parksASlotWhoseJobEndedWhileItsTypeHasAScoutAndKeepsItConsumingOtherwise() {
        CpuAdmission admission = new CpuAdmission(4, HOLD_LIMIT);
        SlotGate prime = admission.type(4);
        assertThat(prime.consumeOrPark(wake("slot-1"))).isTrue();
        assertThat(prime.consumeOrPark(wake("slot-2"))).isFalse();
        assertThat(start(prime).join()).isEqualTo(STARTED);

        prime.ended();
        assertThat(prime.consumeOrPark(wake("slot-1"))).as("slot-2 is the scout now").isFalse();

        assertThat(start(prime).join()).isEqualTo(STARTED);
        assertThat(woken).containsExactly("slot-2", "slot-1");
        prime.ended();
        assertThat(prime.consumeOrPark(wake("slot-2"))).as("slot-1 is the scout").isFalse();
    }

    @Test
    void keepsTheSlotConsumingWhenItsTypeHasNoScoutLeft() {
        CpuAdmission admission = new CpuAdmission(2, HOLD_LIMIT);
        SlotGate prime = admission.type(2);
        assertThat(prime.consumeOrPark(wake("slot-1"))).isTrue();
        assertThat(start(prime).join()).isEqualTo(STARTED);
        assertThat(woken).as("no parked slot to wake").isEmpty();

        prime.ended();
        assertThat(prime.consumeOrPark(wake("slot-1"))).isTrue();
    }

    @Test
    void startsWaitingDeliveriesOfDifferentTypesFirstComeFirstServed() {
        CpuAdmission admission = new CpuAdmission(1, HOLD_LIMIT);
        SlotGate prime = admission.type(1);
        SlotGate hash = admission.type(1);
        SlotGate pi = admission.type(1);
        prime.consumeOrPark(wake("prime"));
        hash.consumeOrPark(wake("hash"));
        pi.consumeOrPark(wake("pi"));
        assertThat(start(prime).join()).isEqualTo(STARTED);
        CompletableFuture<SlotGate.Start> hashJob = start(hash);
        await().atMost(ofSeconds(5)).until(() -> admission.waiting() == 1);
        CompletableFuture<SlotGate.Start> piJob = start(pi);
        await().atMost(ofSeconds(5)).until(() -> admission.waiting() == 2);

        prime.ended();

        assertThat(hashJob.join()).isEqualTo(STARTED);
        assertThat(piJob).isNotDone();
        hash.ended();
        assertThat(piJob.join()).isEqualTo(STARTED);
    }

    @Test
    void neverRunsMoreJobsOfATypeThanItsConcurrencyEvenWithCoresFree() {
        CpuAdmission admission = new CpuAdmission(4, HOLD_LIMIT);
        SlotGate pinned = admission.type(1);
        SlotGate prime = admission.type(4);
        pinned.consumeOrPark(wake("pinned"));
        prime.consumeOrPark(wake("prime"));
        assertThat(start(pinned).join()).isEqualTo(STARTED);
        pinned.consumeOrPark(wake("pinned"));
        CompletableFuture<SlotGate.Start> secondPinned = start(pinned);
        await().atMost(ofSeconds(5)).until(() -> admission.waiting() == 1);

        assertThat(start(prime).join()).as("a later delivery of another type passes the capped one").isEqualTo(STARTED);
        assertThat(secondPinned).isNotDone();
        pinned.ended();
        assertThat(secondPinned.join()).isEqualTo(STARTED);
    }

    @Test
    void turnsWaitingDeliveriesBackOnceClosed() {
        CpuAdmission admission = new CpuAdmission(1, HOLD_LIMIT);
        SlotGate prime = admission.type(1);
        SlotGate hash = admission.type(1);
        prime.consumeOrPark(wake("prime"));
        hash.consumeOrPark(wake("hash"));
        assertThat(start(prime).join()).isEqualTo(STARTED);
        CompletableFuture<SlotGate.Start> waiting = start(hash);
        await().atMost(ofSeconds(5)).until(() -> admission.waiting() == 1);

        admission.close();

        assertThat(waiting.join()).isEqualTo(STOPPING);
        prime.ended();
        assertThat(prime.consumeOrPark(wake("prime"))).isTrue();
        assertThat(start(prime).join()).as("nothing starts after close").isEqualTo(STOPPING);
    }

    @Test
    void givesBackADeliveryThatWaitedTheHoldLimitForACoreAndWakesItsSlotWhenOneFrees() {
        CpuAdmission admission = new CpuAdmission(1, HOLD_LIMIT);
        SlotGate prime = admission.type(1);
        SlotGate hash = admission.type(1);
        prime.consumeOrPark(wake("prime"));
        hash.consumeOrPark(wake("hash"));
        assertThat(start(prime).join()).isEqualTo(STARTED);
        long heldSinceLongAgo = System.nanoTime() - HOLD_LIMIT.toNanos();

        assertThat(start(hash, heldSinceLongAgo, "hash").join()).isEqualTo(HELD_TOO_LONG);
        assertThat(admission.waiting()).isZero();
        assertThat(woken).as("its slot stays parked while no core frees").isEmpty();
        assertThat(hash.consumeOrPark(wake("hash-2"))).as("it is still the type's scout").isFalse();

        prime.ended();
        assertThat(woken).containsExactly("hash");
        assertThat(start(hash).join()).isEqualTo(STARTED);
    }

    private Runnable wake(String slot) {
        return () -> woken.add(slot);
    }

    private CompletableFuture<SlotGate.Start> start(SlotGate gate) {
        return start(gate, System.nanoTime(), "unused");
    }

    private CompletableFuture<SlotGate.Start> start(SlotGate gate, long receivedNanos, String slot) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return gate.awaitStart(receivedNanos, wake(slot));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CompletionException(ex);
            }
        }, threads);
    }
}
