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
    void returnsNumbersWithEveryDigitAndTextAsItCame() {
        String payload = "{\"int\": 123456789012345678901234567890123456789012345678901234567890, "
                + "\"decimal\": 0.1234567890123456789012345678901234567890, \"huge\": 1e400, \"scaled\": 2.50, "
                + "\"text\": \"\ud83d\ude00 ünïcødé\", \"nested\": {\"list\": [[-0.0], {\"x\": 1e-400}]}}";

        var output = WireJson.mapper().readTree(WireJson.write(echo.run(payload).outputJson()));

        assertThat(output.get("int").bigIntegerValue()).isEqualTo(
                new java.math.BigInteger("123456789012345678901234567890123456789012345678901234567890"));
        assertThat(output.get("decimal").decimalValue())
                .isEqualTo(new java.math.BigDecimal("0.1234567890123456789012345678901234567890"));
        assertThat(output.get("huge").decimalValue()).isEqualTo(new java.math.BigDecimal("1e400"));
        assertThat(output.get("scaled").decimalValue()).isEqualTo(new java.math.BigDecimal("2.50"));
        assertThat(output.get("text").asString()).isEqualTo("\ud83d\ude00 ünïcødé");
        assertThat(output.at("/nested/list/1/x").decimalValue()).isEqualTo(new java.math.BigDecimal("1e-400"));
        assertThat(output).isEqualTo(WireJson.mapper().readTree(payload));
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
