package errand.worker.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import errand.model.Topology;
import errand.worker.runtime.consuming.ControlListener;
import errand.worker.runtime.consuming.CpuAdmission;
import errand.worker.runtime.consuming.JobListener;
import errand.worker.runtime.consuming.JobSlot;
import errand.worker.runtime.consuming.SlotGate;
import errand.worker.runtime.consuming.TypeChannel;
import errand.worker.runtime.executing.AttemptRunner;
import errand.worker.runtime.executing.Execution;
import errand.worker.runtime.executing.HandlerExecutors;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.registry.ServedTasks;
import errand.worker.runtime.reporting.HeartbeatPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The worker's consumers: per served task type, {@link ServedTasks.ServedTask#slots()} {@link JobSlot}s on
 * {@code errand.jobs.<type>}, each a consumer with prefetch 1 (a quick type's: {@code errand.worker.quick-prefetch})
 * and its own virtual thread, all on one channel per type ({@link TypeChannel}, which says why), so the worker never
 * holds more deliveries than its slots can start soon and a slot whose job runs under a lease takes nothing new; and
 * one listener container on this worker's control queue
 * (auto-ack). The CPU types' slots share the cores through one {@link CpuAdmission}, which also parks the slots a
 * type does not need, so the worker holds at most one delivery per CPU type that it cannot start at once.
 *
 * <p>Why slots and not a {@code SimpleMessageListenerContainer} for jobs: converting a long job to a lease means
 * cancelling the one consumer that holds its delivery, then consuming again on that channel once the job ended. The
 * container owns its consumers: a consumer cancelled behind its back is never resumed, so its slot would be lost.
 *
 * <p><b>Graceful shutdown.</b> Stopping (on SIGTERM, as the application context closes) first makes every slot give
 * back any new delivery and any delivery still waiting for a core, marks the worker stopping and sends a heartbeat
 * saying so, then cancels every slot's consumer so no new delivery arrives, waits up to {@code shutdownGrace} for
 * the jobs in flight, leased ones included, to finish and be acknowledged or reported, then interrupts those still
 * running: they report nothing; held deliveries are rejected with requeue, so another worker runs them, and leases
 * are simply left to lapse, so the API reruns those jobs. Heartbeats go on until this has ended.
 */
public final class WorkerRuntime implements SmartLifecycle {

    /** Stops before the web server and the heartbeats, starts after them. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

    private final ServedTasks served;
    private final RunningJobs running;
    private final HeartbeatPublisher heartbeats;
    private final HandlerExecutors executors;
    private final WorkerProperties properties;
    private final Map<String, List<JobSlot>> slots = new LinkedHashMap<>();
    private final List<TypeChannel> typeChannels = new ArrayList<>();
    private final CpuAdmission cpuAdmission;
    private final SimpleMessageListenerContainer controlContainer;
    private volatile boolean started;

    WorkerRuntime(ConnectionFactory connectionFactory, AmqpAdmin admin, ServedTasks served,
            Function<ServedTasks.ServedTask, JobListener> listeners, ControlListener controlListener,
            Queue controlQueue, RunningJobs running, HeartbeatPublisher heartbeats, HandlerExecutors executors,
            WorkerProperties properties) {
        this.served = served;
        this.running = running;
        this.heartbeats = heartbeats;
        this.executors = executors;
        this.properties = properties;
        this.controlContainer = controlContainer(connectionFactory, admin, controlListener, controlQueue);
        this.cpuAdmission = new CpuAdmission(served.cpuThreads(), properties.holdLimit());
        for (ServedTasks.ServedTask task : served.all()) {
            SlotGate gate = switch (task.task().kind()) {
                case CPU -> cpuAdmission.type(task.concurrency());
                case IO -> SlotGate.OPEN;
            };
            JobListener listener = listeners.apply(task);
            String queue = Topology.jobQueue(task.name());
            TypeChannel typeChannel = new TypeChannel(queue, connectionFactory, task.prefetch());
            typeChannels.add(typeChannel);
            List<JobSlot> typeSlots = new ArrayList<>();
            for (int i = 1; i <= task.slots(); i++) {
                typeSlots.add(new JobSlot(task.name() + "-" + i, queue, typeChannel, admin, listener, gate));
            }
            slots.put(task.name(), List.copyOf(typeSlots));
        }
    }

    private static SimpleMessageListenerContainer controlContainer(ConnectionFactory connectionFactory,
            AmqpAdmin admin, ControlListener listener, Queue queue) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setBeanName("errand-control");
        container.setAcknowledgeMode(AcknowledgeMode.NONE);
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(1);
        container.setMessageListener(listener);
        container.setAmqpAdmin(admin);
        container.setMissingQueuesFatal(false);
        container.setDefaultRequeueRejected(false);
        container.setQueues(queue);
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("errand-control-");
        threads.setVirtualThreads(true);
        container.setTaskExecutor(threads);
        return container;
    }

    @Override
    public void start() {
        log.info("Worker {} serving {} with {} CPU threads, hold limit {}", properties.id(), served.all().stream()
                .map(task -> task.name() + "×" + task.concurrency()).toList(), served.cpuThreads(),
                properties.holdLimit());
        controlContainer.start();
        allSlots().forEach(slot -> Thread.ofVirtual().name("errand-slot-" + slot.name()).start(slot));
        started = true;
    }

    @Override
    public void stop() {
        // Every slot refuses new deliveries before the heartbeat says STOPPING: a slot still consuming would
        // otherwise start a job submitted after the API heard the worker was stopping.
        allSlots().forEach(JobSlot::refuseDeliveries);
        cpuAdmission.close();
        running.beginStopping();
        heartbeats.beat();
        log.info("Stopping: no new jobs; waiting up to {} for {} in flight ({} leased)", properties.shutdownGrace(),
                running.heldTotal(), running.leases().size());
        allSlots().forEach(JobSlot::stop);
        try {
            if (!running.awaitIdle(properties.shutdownGrace())) {
                log.warn("Grace period over: interrupting {} jobs; held deliveries go back to the queue, leases lapse "
                        + "and the API reruns their jobs", running.heldTotal());
                running.stopAll(Execution.StopReason.SHUTDOWN);
            }
            long end = System.nanoTime()
                    + AttemptRunner.STOP_GRACE.plus(properties.confirmTimeout()).plusSeconds(10).toNanos();
            for (JobSlot slot : allSlots()) {
                if (!slot.awaitStopped(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
                    log.warn("Slot {} did not stop in time", slot.name());
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        typeChannels.forEach(TypeChannel::close);
        controlContainer.stop();
        executors.close();
        started = false;
        log.info("Stopped");
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Consumers at work: for the control container its active consumers, per task type the slots consuming or busy
     * with a job (held or leased); -1 when not running.
     */
    public Map<String, Integer> consumers() {
        Map<String, Integer> consumers = new LinkedHashMap<>();
        consumers.put("control", controlContainer.isRunning() ? controlContainer.getActiveConsumerCount() : -1);
        slots.forEach((type, typeSlots) -> consumers.put(type, started ? (int) typeSlots.stream()
                .map(JobSlot::state)
                .filter(state -> state == JobSlot.State.CONSUMING || state == JobSlot.State.BUSY)
                .count() : -1));
        return consumers;
    }

    private List<JobSlot> allSlots() {
        return slots.values().stream().flatMap(List::stream).toList();
    }
}
