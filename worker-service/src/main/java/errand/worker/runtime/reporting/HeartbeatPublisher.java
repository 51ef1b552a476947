package errand.worker.runtime.reporting;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import errand.model.Topology;
import errand.model.WorkerHeartbeat;
import errand.worker.runtime.WorkerProperties;
import errand.worker.runtime.WorkerRuntime;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.registry.ServedTasks;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;

/**
 * Announces this worker on {@code errand.heartbeats}: at start, every {@code heartbeatInterval}, and at once when a
 * graceful shutdown begins (with {@code stopping} set). A heartbeat carries the served task types with their schemas
 * and effective concurrency, the number of jobs running and the attempts running under a lease: each heartbeat renews
 * their leases at the API.
 *
 * <p><b>Thread:</b> one daemon scheduler thread, independent of the slots, so heartbeats keep flowing while jobs run
 * however long. A heartbeat that cannot be sent is logged and skipped; the next one follows an interval later. Starts
 * before the job consumers and stops after them, so leases are renewed throughout a graceful shutdown.
 */
public final class HeartbeatPublisher implements SmartLifecycle {

    /** Before {@link WorkerRuntime#PHASE}: starts earlier, stops later. */
    static final int PHASE = WorkerRuntime.PHASE - 100;

    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final RabbitTemplate template;
    private final ServedTasks served;
    private final RunningJobs running;
    private final WorkerProperties properties;
    private final String host = WorkerProperties.hostName();
    private final Clock clock;
    private @Nullable ScheduledExecutorService scheduler;

    public HeartbeatPublisher(RabbitTemplate template, ServedTasks served, RunningJobs running,
            WorkerProperties properties, Clock clock) {
        this.template = template;
        this.served = served;
        this.running = running;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("errand-heartbeat").daemon(true).factory());
        long interval = properties.heartbeatInterval().toMillis();
        started.scheduleWithFixedDelay(this::beat, 0, interval, TimeUnit.MILLISECONDS);
        scheduler = started;
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Sends a heartbeat now, from the caller's thread, fire and forget: a lost heartbeat is covered by the next. Never
     * throws: an exception escaping a periodic task would end the schedule, and with it the renewal of every lease.
     */
    public void beat() {
        try {
            template.send(Topology.HEARTBEATS_EXCHANGE, "", ReportMessages.heartbeat(heartbeat()));
        } catch (AmqpException ex) {
            log.warn("Heartbeat not sent: {}", ex.toString());
        } catch (RuntimeException ex) {
            log.error("Heartbeat not sent", ex);
        }
    }

    WorkerHeartbeat heartbeat() {
        return new WorkerHeartbeat(properties.id(), host, clock.instant(), properties.heartbeatInterval(),
                served.descriptors(), running.heldTotal(), running.isStopping(), running.leases());
    }
}
