package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import errand.model.WireJson;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class EchoTests {

    private final TaskTestKit<ObjectNode, ObjectNode> echo = TaskTestKit.of(new Echo());

    @Test
    void returnsItsPayloadUnchanged() {
        String payload = "{\"hello\": \"world\", \"n\": [1, 2.5, null], \"nested\": {\"ok\": true}}";

        assertThat(echo.run(payload).outputJson()).isEqualTo(WireJson.mapper().readTree(payload));
    }

    @Test
    void returnsAnEmptyObjectForAnEmptyPayload() {
        assertThat(echo.run("{}").outputJson()).isEqualTo(WireJson.mapper().readTree("{}"));
    }

    @Test
    void failsForGoodOnAPayloadThatIsNotAnObject() {
        assertThat(echo.run("[1, 2]").failure().retryable()).isFalse();
        assertThat(echo.run("[1, 2]").failure().message()).isEqualTo("payload: must be a JSON object, was array");
    }
}
