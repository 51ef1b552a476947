package errand.worker.workers;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import errand.model.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The listener containers: one per served task type on {@code errand.jobs.<type>} (MANUAL ack, prefetch 1,
 * {@code concurrency} consumers, so the worker never holds more deliveries than it has free slots), and one on this
 * worker's control queue.
 *
 * <p><b>Graceful shutdown.</b> Stopping (on SIGTERM, as the application context closes) first marks the worker
 * stopping and sends a heartbeat saying so, then cancels every job consumer so no new delivery arrives, waits up to
 * {@code shutdownGrace} for the jobs in flight to finish and be acknowledged, then interrupts those still running:
 * they report nothing and their deliveries are rejected with requeue, so another worker runs them. Deliveries never
 * started go back to the queue with their channel.
 */
final class WorkerRuntime implements SmartLifecycle {

    /** Stops before the web server and the heartbeats, starts after them. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

    private final ConnectionFactory connectionFactory;
    private final AmqpAdmin admin;
    private final ServedTasks served;
    private final RunningJobs running;
    private final HeartbeatPublisher heartbeats;
    private final HandlerExecutors executors;
    private final WorkerProperties properties;
    private final Map<String, SimpleMessageListenerContainer> jobContainers = new LinkedHashMap<>();
    private final SimpleMessageListenerContainer controlContainer;
    private volatile boolean started;

    WorkerRuntime(ConnectionFactory connectionFactory, AmqpAdmin admin, ServedTasks served,
            Function<ServedTasks.ServedTask, JobListener> listeners, ControlListener controlListener,
            Queue controlQueue, RunningJobs running, HeartbeatPublisher heartbeats, HandlerExecutors executors,
            WorkerProperties properties) {
        this.connectionFactory = connectionFactory;
        this.admin = admin;
        this.served = served;
        this.running = running;
        this.heartbeats = heartbeats;
        this.executors = executors;
        this.properties = properties;
        this.controlContainer = container("control", 1, AcknowledgeMode.NONE, controlListener);
        this.controlContainer.setQueues(controlQueue);
        for (ServedTasks.ServedTask task : served.all()) {
            SimpleMessageListenerContainer container = container("jobs-" + task.name(), task.concurrency(),
                    AcknowledgeMode.MANUAL, listeners.apply(task));
            container.setQueueNames(Topology.jobQueue(task.name()));
            jobContainers.put(task.name(), container);
        }
    }

    private SimpleMessageListenerContainer container(String name, int consumers, AcknowledgeMode ackMode,
            MessageListener listener) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setBeanName("errand-" + name);
        container.setAcknowledgeMode(ackMode);
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(consumers);
        container.setMessageListener(listener);
        container.setAmqpAdmin(admin);
        container.setMissingQueuesFatal(false);
        container.setDefaultRequeueRejected(false);
        // Long enough for our own drain (grace, then interrupt, stop grace and confirms) to finish first.
        container.setShutdownTimeout(properties.shutdownGrace().plus(AttemptRunner.STOP_GRACE)
                .plus(properties.confirmTimeout()).plusSeconds(5).toMillis());
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("errand-" + name + "-");
        threads.setVirtualThreads(true);
        container.setTaskExecutor(threads);
        return container;
    }

    @Override
    public void start() {
        log.info("Worker {} serving {} with {} CPU threads", properties.id(), served.all().stream()
                .map(task -> task.name() + "×" + task.concurrency()).toList(), served.cpuThreads());
        controlContainer.start();
        jobContainers.values().forEach(SimpleMessageListenerContainer::start);
        started = true;
    }

    @Override
    public void stop() {
        running.beginStopping();
        heartbeats.beat();
        log.info("Stopping: no new jobs; waiting up to {} for {} in flight", properties.shutdownGrace(),
                running.heldTotal());
        CountDownLatch stopped = new CountDownLatch(jobContainers.size());
        jobContainers.values().forEach(container -> container.stop(stopped::countDown));
        try {
            if (!running.awaitIdle(properties.shutdownGrace())) {
                log.warn("Grace period over: interrupting {} jobs; their deliveries go back to the queue",
                        running.heldTotal());
                running.stopAll(Execution.StopReason.SHUTDOWN);
            }
            Duration rest = AttemptRunner.STOP_GRACE.plus(properties.confirmTimeout()).plusSeconds(10);
            if (!stopped.await(rest.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Job consumers did not stop in time");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
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

    /** Per container, how many consumers are active, or -1 when the container is not running. */
    Map<String, Integer> consumers() {
        Map<String, Integer> consumers = new LinkedHashMap<>();
        consumers.put("control", activeConsumers(controlContainer));
        jobContainers.forEach((type, container) -> consumers.put(type, activeConsumers(container)));
        return consumers;
    }

    private static int activeConsumers(SimpleMessageListenerContainer container) {
        return container.isRunning() ? container.getActiveConsumerCount() : -1;
    }
}
