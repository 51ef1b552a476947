package errand.worker.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gate the handlers of a test's task types wait on until the test opens it, so how many jobs run at once, and what
 * the worker holds meanwhile, can be read while they wait.
 */
final class HandlerGate {

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private volatile CountDownLatch latch = new CountDownLatch(1);

    /** In a handler: waits until the gate opens, then returns {@code input}. */
    <T> T pass(T input) throws InterruptedException {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            latch.await();
            return input;
        } finally {
            running.decrementAndGet();
        }
    }

    /** Closes the gate for the next handlers and forgets how many ran at once. */
    void close() {
        latch = new CountDownLatch(1);
        mostAtOnce.set(0);
    }

    void open() {
        latch.countDown();
    }

    /** Handlers waiting at the gate now. */
    int running() {
        return running.get();
    }

    /** The most handlers that waited at the gate at once since it was closed. */
    int mostAtOnce() {
        return mostAtOnce.get();
    }
}
