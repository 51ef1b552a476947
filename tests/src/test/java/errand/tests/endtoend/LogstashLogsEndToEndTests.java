package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Both apps with {@code logging.structured.format.console=logstash}: Logstash's JSON event, context at the top. */
class LogstashLogsEndToEndTests extends StructuredLogFormatContract {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments(apiArguments("logstash"))
            .workerArguments(workerArguments("logstash"));

    @Override
    ErrandPlatform platform() {
        return platform;
    }

    @Override
    String contextField(String name) {
        return name;
    }

    @Override
    void assertHasTheFormatsFields(JsonNode line) {
        assertThat(line.path("@timestamp").asString()).as("@timestamp of %s", line).isNotBlank();
        assertThat(line.path("@version").asString()).as("@version of %s", line).isEqualTo("1");
        assertThat(line.path("level").asString()).as("level of %s", line).isNotBlank();
        assertThat(line.path("logger_name").asString()).as("logger_name of %s", line).isNotBlank();
        assertThat(line.path("thread_name").asString()).as("thread_name of %s", line).isNotBlank();
        assertThat(line.has("message")).as("message of %s", line).isTrue();
    }
}
