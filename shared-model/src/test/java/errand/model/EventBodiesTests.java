package errand.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

class EventBodiesTests {

    private static final Instant T0 = Instant.parse("2026-12-04T05:00:00.123456Z");

    @Test
    void aSetJoinedFromEventsSplitsIntoTheSameEventsInOrder() {
        List<JobEvent> events = List.of(
                new JobEvent.Succeeded(UUID.randomUUID(), 1, "w1", T0, T0.plusMillis(3),
                        WireJson.mapper().readTree("{\"text\": \"a, ] } [ b\", \"n\": [1, {\"x\": 2}]}")),
                new JobEvent.Failed(UUID.randomUUID(), 2, "w1", T0, T0.plusSeconds(1),
                        new Failure("Boom", "it broke", true), T0.plusSeconds(5)),
                new JobEvent.Started(UUID.randomUUID(), 1, "w2", T0));

        List<byte[]> bodies = EventBodies.split(EventBodies.join(events.stream().map(WireJson::write).toList()));

        assertThat(bodies.stream().map(body -> WireJson.read(body, JobEvent.class)).toList()).isEqualTo(events);
    }

    @Test
    void aSingleEventIsItsOwnOnlyBody() {
        byte[] body = WireJson.write(new JobEvent.Started(UUID.randomUUID(), 1, "w1", T0));

        assertThat(EventBodies.split(body)).singleElement().isSameAs(body);
    }

    @Test
    void keepsEachElementsBytesAsSentSoEachEventIsJudgedAlone() {
        String repeated = "{\"event\":\"succeeded\",\"result\":{\"a\":1,\"a\":2}}";
        String notAnEvent = "42";

        assertThat(EventBodies.split(bytes(" \n[" + repeated + " , " + notAnEvent + "]\n")))
                .extracting(EventBodiesTests::text).containsExactly(repeated, notAnEvent);
        assertThat(EventBodies.split(bytes("[]"))).isEmpty();
    }

    @Test
    void refusesASetThatIsNotWellFormed() {
        assertThatThrownBy(() -> EventBodies.split(bytes("[{\"event\":\"started\"}")))
                .isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> EventBodies.split(bytes("[{}] {}"))).isInstanceOf(JacksonException.class)
                .hasMessageContaining("after a set");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
