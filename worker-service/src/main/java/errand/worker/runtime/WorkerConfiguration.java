package errand.worker.runtime;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import errand.model.Topology;
import errand.worker.runtime.consuming.ConsumersHealthIndicator;
import errand.worker.runtime.consuming.ControlListener;
import errand.worker.runtime.consuming.JobListener;
import errand.worker.runtime.executing.AttemptRunner;
import errand.worker.runtime.executing.AttemptTracing;
import errand.worker.runtime.executing.HandlerExecutors;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.leasing.Leasing;
import errand.worker.runtime.registry.InputDecoder;
import errand.worker.runtime.registry.ServedTasks;
import errand.worker.runtime.registry.TaskRegistry;
import errand.worker.runtime.reporting.AttemptReporter;
import errand.worker.runtime.reporting.ErrandWorkerMetrics;
import errand.worker.runtime.reporting.EventSets;
import errand.worker.runtime.reporting.HeartbeatPublisher;
import errand.worker.tasks.TaskHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the worker runtime. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    /** Cached channels beyond one per held delivery: heartbeats, progress events from handler threads. */
    private static final int CHANNEL_CACHE_HEADROOM = 8;

    @Bean
    Clock workerClock() {
        return Clock.systemUTC();
    }

    @Bean
    InputDecoder inputDecoder(Validator validator, DiagnosticsProperties diagnostics) {
        return new InputDecoder(validator, diagnostics.enabled());
    }

    @Bean
    TaskRegistry taskRegistry(ObjectProvider<TaskHandler<?, ?>> handlers, InputDecoder decoder) {
        return new TaskRegistry(handlers.orderedStream().toList(), decoder);
    }

    @Bean
    ServedTasks servedTasks(TaskRegistry registry, WorkerProperties properties) {
        return new ServedTasks(registry, properties, properties.cores());
    }

    /** Micrometer Tracing's tracer and W3C propagator; no-ops if tracing is switched off. */
    @Bean
    AttemptTracing attemptTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new AttemptTracing(tracer.getIfAvailable(() -> Tracer.NOOP),
                propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    @Bean
    HandlerExecutors handlerExecutors(ServedTasks served, AttemptTracing tracing) {
        return new HandlerExecutors(served.cpuThreads(), tracing);
    }

    @Bean
    RunningJobs runningJobs() {
        return new RunningJobs();
    }

    /**
     * Every publish is {@code mandatory}, so an unroutable job event or retry comes back and counts as unconfirmed.
     * Fails the start unless the connection factory has correlated publisher confirms and returns.
     */
    @Bean
    RabbitTemplateCustomizer mandatoryPublishing() {
        return template -> {
            ConnectionFactory factory = template.getConnectionFactory();
            if (!factory.isPublisherConfirms() || !factory.isPublisherReturns()) {
                throw new IllegalStateException("The worker needs spring.rabbitmq.publisher-confirm-type=correlated "
                        + "and spring.rabbitmq.publisher-returns=true");
            }
            template.setMandatory(true);
            template.setReturnsCallback(returned -> {
                if (Topology.HEARTBEATS_EXCHANGE.equals(returned.getExchange())) {
                    log.debug("Heartbeat unroutable: no API instance listens");
                } else {
                    log.warn("Unroutable message returned by {} (key '{}'): {}", returned.getExchange(),
                            returned.getRoutingKey(), returned.getReplyText());
                }
            });
        };
    }

    /**
     * Each attempt publishes on a cached channel it holds until its outcome is confirmed ({@link
     * AttemptReporter#onOneChannel}), so the cache keeps one per delivery the slots may hold, plus room for heartbeats
     * and progress: a channel that does not fit in the cache is closed when handed back, and a new one opened for the
     * next job.
     */
    @Bean
    AttemptReporter attemptReporter(RabbitTemplate template, ServedTasks served, EventSets sets) {
        if (template.getConnectionFactory() instanceof CachingConnectionFactory cache) {
            cache.setChannelCacheSize(Math.max(cache.getChannelCacheSize(),
                    served.deliveries() + CHANNEL_CACHE_HEADROOM));
        }
        return new AttemptReporter(template, sets);
    }

    /** Closed after the runtime stopped: the attempts it waits for publish their outcomes through it. */
    @Bean
    EventSets eventSets(RabbitTemplate template, WorkerProperties properties) {
        return new EventSets(template, properties.eventsPerMessage(), properties.confirmTimeout()).start();
    }

    @Bean
    AttemptRunner attemptRunner(InputDecoder decoder, HandlerExecutors executors, RunningJobs running, Clock clock) {
        return new AttemptRunner(decoder, executors, running, clock);
    }

    @Bean
    ErrandWorkerMetrics errandWorkerMetrics(MeterRegistry registry, ServedTasks served, RunningJobs running) {
        return new ErrandWorkerMetrics(registry, served, running);
    }

    @Bean
    HeartbeatPublisher heartbeatPublisher(RabbitTemplate template, ServedTasks served, RunningJobs running,
            WorkerProperties properties, Clock clock) {
        return new HeartbeatPublisher(template, served, running, properties, clock);
    }

    @Bean
    WorkerRuntime workerRuntime(ConnectionFactory connectionFactory, AmqpAdmin admin, ServedTasks served,
            AttemptRunner runner, AttemptReporter reporter, RunningJobs running, ErrandWorkerMetrics metrics,
            HeartbeatPublisher heartbeats, HandlerExecutors executors, WorkerTopology.ControlQueue controlQueue,
            AttemptTracing tracing, WorkerProperties properties, Clock clock) {
        Leasing leasing = new Leasing((leased, traceparent) -> reporter.eventConfirmed(leased, traceparent,
                properties.confirmTimeout()), running, properties, clock);
        return new WorkerRuntime(connectionFactory, admin, served, task -> new JobListener(task, runner, reporter,
                running, new RetryPolicy(new Backoff(task.retryBackoff(), ThreadLocalRandom.current())), leasing,
                        metrics, tracing,
                properties, clock),
                new ControlListener(running), controlQueue.queue(), running, heartbeats, executors, properties);
    }

    @Bean
    ConsumersHealthIndicator consumersHealthIndicator(WorkerRuntime runtime, RunningJobs running) {
        return new ConsumersHealthIndicator(runtime, running);
    }
}
