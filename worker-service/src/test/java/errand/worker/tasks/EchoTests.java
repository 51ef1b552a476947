package errand.worker.tasks;

import static errand.worker.tasks.RecordingContext.firstAttempt;
import static errand.worker.tasks.WireRoundTrip.json;
import static errand.worker.tasks.WireRoundTrip.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class EchoTests {

    @Test
    void returnsItsPayloadUnchanged() throws Exception {
        String payload = "{\"hello\": \"world\", \"n\": [1, 2.5, null], \"nested\": {\"ok\": true}}";

        assertThat(run(new Echo(), ObjectNode.class, payload, firstAttempt())).isEqualTo(json(payload));
    }

    @Test
    void returnsAnEmptyObjectForAnEmptyPayload() throws Exception {
        assertThat(run(new Echo(), ObjectNode.class, "{}", firstAttempt())).isEqualTo(json("{}"));
    }
}
