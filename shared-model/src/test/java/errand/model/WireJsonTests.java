package errand.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class WireJsonTests {

    private static final UUID JOB = UUID.fromString("7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11");
    private static final Instant AT = Instant.parse("2026-11-25T10:15:30.123Z");

    @Test
    void writesJobMessagesWithIsoInstantsAndDurations() {
        var message = new JobMessage(JOB, "prime-count", 2, 3, Duration.ofMinutes(10),
                JsonNodeFactory.instance.objectNode().put("upTo", 100), AT);

        JsonNode json = WireJson.tree(WireJson.write(message));

        assertThat(json.get("timeout").asString()).isEqualTo("PT10M");
        assertThat(json.get("createdAt").asString()).isEqualTo("2026-11-25T10:15:30.123Z");
        assertThat(json.get("jobId").asString()).isEqualTo(JOB.toString());
        assertThat(WireJson.read(WireJson.write(message), JobMessage.class)).isEqualTo(message);
    }

    @Test
    void namesEachEventKindInTheEventProperty() {
        List<JobEvent> events = List.of(
                new JobEvent.Started(JOB, 1, "w1", AT),
                new JobEvent.Progress(JOB, 1, "w1", AT, 0.25, "sieving"),
                new JobEvent.Succeeded(JOB, 1, "w1", AT, AT.plusSeconds(1),
                        JsonNodeFactory.instance.objectNode().put("count", 9592)),
                new JobEvent.Failed(JOB, 1, "w1", AT, AT.plusSeconds(1), new Failure("timeout", "ran too long", true),
                        AT.plusSeconds(5)));

        assertThat(events).extracting(e -> WireJson.tree(WireJson.write(e)).get("event").asString())
                .containsExactly("started", "progress", "succeeded", "failed");
        for (JobEvent event : events) {
            assertThat(WireJson.read(WireJson.write(event), JobEvent.class)).isEqualTo(event);
        }
    }

    @Test
    void readsAnEventWrittenByAnotherLanguage() {
        String json = """
                {"event":"failed","jobId":"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11","attempt":3,"workerId":"py-1",
                 "startedAt":"2026-11-25T10:15:30Z","at":"2026-11-25T10:15:31Z",
                 "failure":{"type":"ValueError","message":"bad","retryable":false},"retryAt":null,
                 "someFutureField":true}""";

        JobEvent event = WireJson.read(json.getBytes(), JobEvent.class);

        assertThat(event).isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
            assertThat(failed.willRetry()).isFalse();
            assertThat(failed.failure().type()).isEqualTo("ValueError");
            assertThat(failed.attempt()).isEqualTo(3);
        });
    }

    @Test
    void refusesAnEventOfUnknownKind() {
        assertThatThrownBy(() -> WireJson.read("{\"event\":\"exploded\"}".getBytes(), JobEvent.class))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
    }

    @Test
    void roundTripsHeartbeatsWithTheirTaskTypes() {
        var type = new TaskTypeDescriptor("echo", "Returns its payload", TaskKind.IO, Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), 16,
                JsonNodeFactory.instance.objectNode().put("type", "object"),
                JsonNodeFactory.instance.objectNode().put("type", "object"),
                JsonNodeFactory.instance.objectNode().put("hello", "world"));
        var heartbeat = new WorkerHeartbeat("w1", "host-a", AT, Duration.ofSeconds(5), List.of(type), 2, false);

        assertThat(WireJson.read(WireJson.write(heartbeat), WorkerHeartbeat.class)).isEqualTo(heartbeat);
    }

    @Test
    void roundTripsCancelCommandsWithTheAttemptTheyFence() {
        ControlCommand cancel = new ControlCommand.CancelJob(JOB, 2, AT);

        JsonNode json = WireJson.tree(WireJson.write(cancel));
        assertThat(json.get("command").asString()).isEqualTo("cancel");
        assertThat(json.get("attempt").asInt()).isEqualTo(2);
        assertThat(WireJson.read(WireJson.write(cancel), ControlCommand.class)).isEqualTo(cancel);
    }

    @Test
    void readsACancelWithoutAnAttemptAsFencingTheAttemptRunningAndAtLeastTheFirst() {
        ControlCommand read = WireJson.read(("{\"command\": \"cancel\", \"jobId\": \"" + JOB
                + "\", \"at\": \"2026-11-25T10:15:30.123Z\"}").getBytes(StandardCharsets.UTF_8),
                ControlCommand.class);

        assertThat(read).isEqualTo(new ControlCommand.CancelJob(JOB, null, AT));
        ControlCommand.CancelJob legacy = (ControlCommand.CancelJob) read;
        assertThat(legacy.fencesUpTo(0)).as("nothing of the job runs here").isEqualTo(1);
        assertThat(legacy.fencesUpTo(3)).as("attempt 3 of the job runs here").isEqualTo(3);
        assertThat(new ControlCommand.CancelJob(JOB, 2, AT).fencesUpTo(3)).isEqualTo(2);
    }

    @Test
    void carriesPayloadNumbersExactlyThroughAJobMessage() {
        String payload = "{\"int\":123456789012345678901234567890123456789012345678901234567890,"
                + "\"decimal\":0.1234567890123456789012345678901234567890,\"huge\":1e400,\"scale\":2.50}";
        var message = new JobMessage(JOB, "echo", 1, 3, Duration.ofSeconds(30), WireJson.mapper().readTree(payload),
                AT);

        JsonNode read = WireJson.read(WireJson.write(message), JobMessage.class).payload();

        assertThat(read.get("int").bigIntegerValue())
                .isEqualTo(new java.math.BigInteger("123456789012345678901234567890123456789012345678901234567890"));
        assertThat(read.get("decimal").decimalValue())
                .isEqualTo(new java.math.BigDecimal("0.1234567890123456789012345678901234567890"));
        assertThat(read.get("huge").decimalValue()).isEqualByComparingTo(java.math.BigDecimal.TEN.pow(400));
        assertThat(read.get("scale").decimalValue()).isEqualTo(new java.math.BigDecimal("2.50"));
    }

    @Test
    void refusesAnObjectWithTheSameKeyTwice() {
        assertThatThrownBy(() -> WireJson.tree("{\"a\":{\"b\":1,\"b\":2}}".getBytes()))
                .isInstanceOf(tools.jackson.core.exc.StreamReadException.class)
                .hasMessageContaining("Duplicate");
    }
}
