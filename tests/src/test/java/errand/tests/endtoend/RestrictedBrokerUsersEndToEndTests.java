package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import errand.model.JobMessage;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.model.WireJson;
import errand.tests.support.BrokerDefinitions;
import errand.tests.support.BrokerLogins;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import errand.testsupport.ErrandTestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API and a worker each logged in to the broker as their own user, with exactly the permissions of
 * {@code errand-api} and {@code errand-worker} in {@code rabbitmq/definitions.json} (what {@code docker-compose.yml}
 * loads), granted on the class's vhost: jobs run, retry through the delay queues, fail for good with a dead copy
 * and are cancelled as usual. With the worker's credentials and the plain RabbitMQ client, publishing a forged job
 * to {@code errand.jobs} (or to the job queue through the default exchange) and consuming {@code errand.results} are
 * refused by the broker. The users are deleted with the vhost.
 *
 * <p>Not refused, by design: a worker publishes retries to {@code errand.retry}, whose delay queues dead-letter to
 * {@code errand.jobs}, so a message it parks there reaches a job queue a tier later (see "Least privilege" in
 * {@code docs/architecture.md}).
 */
class RestrictedBrokerUsersEndToEndTests {

    private static final Duration DONE = ofSeconds(60);
    private static final String API_PASSWORD = "api-" + UUID.randomUUID();
    private static final String WORKER_PASSWORD = "worker-" + UUID.randomUUID();

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .brokerUsers(RestrictedBrokerUsersEndToEndTests::createUsers);

    private static volatile BrokerLogins logins;

    private final ErrandClient api = platform.api();

    private static BrokerLogins createUsers(ErrandTestServices.Isolated services) {
        BrokerDefinitions definitions = BrokerDefinitions.load();
        String apiUser = services.createBrokerUser("api", API_PASSWORD,
                definitions.permissionsOf(BrokerDefinitions.API_USER));
        String workerUser = services.createBrokerUser("worker", WORKER_PASSWORD,
                definitions.permissionsOf(BrokerDefinitions.WORKER_USER));
        logins = new BrokerLogins(apiUser, API_PASSWORD, workerUser, WORKER_PASSWORD);
        return logins;
    }

    @Test
    void aWorkerUnderItsOwnUserServesJobs() {
        UUID id = accept(JobRequest.of("echo", json("{\"restricted\":true}")));

        assertThatJob(api.awaitTerminal(id, DONE)).succeededWith(json("{\"restricted\":true}"));
    }

    @Test
    void aFailedAttemptComesBackThroughTheDelayQueues() {
        UUID id = accept(aFailingJob(1, true));

        assertThatJob(api.awaitTerminal(id, DONE)).succeededWith(json("{\"attempt\":2}")).hasAttempts(2);
    }

    @Test
    void aJobFailedForGoodLeavesItsDeadCopy() throws Exception {
        UUID id = accept(aFailingJob(1, false));

        assertThatJob(api.awaitTerminal(id, DONE)).hasStatus(JobStatus.FAILED);
        try (Connection connection = platform.services().openBroker()) {
            Channel channel = connection.createChannel();
            await("the worker's dead copy in " + Topology.DEAD_QUEUE).atMost(ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        GetResponse dead = channel.basicGet(Topology.DEAD_QUEUE, true);
                        return dead != null && id.toString().equals(dead.getProps().getMessageId());
                    });
        }
    }

    @Test
    void aCancelReachesTheWorkerThroughItsControlQueue() {
        UUID running = accept(aSleepJob(ofMinutes(5)));
        api.awaitStatus(running, JobStatus.RUNNING, DONE);

        Response cancel = api.post(ErrandClient.JOBS + "/" + running + "/cancel", "application/json", "", null);

        assertThat(cancel.status()).as("%s", cancel).isEqualTo(202);
        await("the worker's cancelled report recorded on the attempt").atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.job(running).path("attemptHistory")).singleElement()
                        .satisfies(attempt -> assertThat(attempt.path("status").asString()).isEqualTo("CANCELLED")));
    }

    @Test
    void theWorkersUserMayNotPublishAJobToTheJobsExchange() throws Exception {
        try (Connection connection = asWorker()) {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            publishForgedJob(channel, Topology.JOBS_EXCHANGE, "echo");

            assertThatThrownBy(() -> channel.waitForConfirmsOrDie(10_000)).isNotNull();
            assertRefused(channel, "exchange '" + Topology.JOBS_EXCHANGE + "'");
        }
    }

    @Test
    void theWorkersUserMayNotPublishToAJobQueueThroughTheDefaultExchange() throws Exception {
        try (Connection connection = asWorker()) {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            publishForgedJob(channel, "", Topology.jobQueue("echo"));

            assertThatThrownBy(() -> channel.waitForConfirmsOrDie(10_000)).isNotNull();
            assertRefused(channel, "exchange 'amq.default'");
        }
    }

    @Test
    void theWorkersUserMayNotConsumeTheResults() throws Exception {
        try (Connection connection = asWorker()) {
            Channel consuming = connection.createChannel();
            assertThatThrownBy(() -> consuming.basicConsume(Topology.RESULTS_QUEUE, true,
                    new DefaultConsumer(consuming))).isNotNull();
            assertRefused(consuming, "queue '" + Topology.RESULTS_QUEUE + "'");

            Channel getting = connection.createChannel();
            assertThatThrownBy(() -> getting.basicGet(Topology.RESULTS_QUEUE, true)).isNotNull();
            assertRefused(getting, "queue '" + Topology.RESULTS_QUEUE + "'");
        }
    }

    private UUID accept(JobRequest job) {
        return UUID.fromString(api.accept(job).path("id").asString());
    }

    private static Connection asWorker() throws Exception {
        return platform.services().openBroker(logins.workerUser(), logins.workerPassword());
    }

    /** A well-formed job message, as the API would publish it: only the broker's permissions stand in the way. */
    private static void publishForgedJob(Channel channel, String exchange, String routingKey) throws Exception {
        UUID id = UUID.randomUUID();
        JobMessage job = new JobMessage(id, "echo", 1, 1, ofSeconds(30),
                WireJson.mapper().readTree("{\"forged\":true}"), Instant.now());
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
                .messageId(id.toString()).deliveryMode(2).build();
        channel.basicPublish(exchange, routingKey, properties, WireJson.mapper().writeValueAsBytes(job));
    }

    /** The broker closed the channel with 403 ACCESS_REFUSED, naming the resource. */
    private static void assertRefused(Channel channel, String resource) {
        await("the channel closed by the broker").atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> !channel.isOpen());
        ShutdownSignalException reason = channel.getCloseReason();
        assertThat(reason.isHardError()).as("a channel error, not a connection error").isFalse();
        assertThat(reason.getReason()).isInstanceOfSatisfying(AMQP.Channel.Close.class, close -> {
            assertThat(close.getReplyCode()).isEqualTo(AMQP.ACCESS_REFUSED);
            assertThat(close.getReplyText()).contains("ACCESS_REFUSED").contains(resource)
                    .contains(logins.workerUser());
        });
    }
}
