package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Both apps with {@code logging.structured.format.console=gelf}: Graylog's GELF 1.1, where every field beyond the
 * standard ones is an additional field whose name starts with {@code _}, so the job's fields are {@code _jobId}, ...
 */
class GelfLogsEndToEndTests extends StructuredLogFormatContract {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments(apiArguments("gelf"))
            .workerArguments(workerArguments("gelf"));

    @Override
    ErrandPlatform platform() {
        return platform;
    }

    @Override
    String contextField(String name) {
        return "_" + name;
    }

    @Override
    void assertHasTheFormatsFields(JsonNode line) {
        assertThat(line.path("version").asString()).as("version of %s", line).isEqualTo("1.1");
        assertThat(line.path("host").asString()).as("host of %s", line).isNotBlank();
        assertThat(line.has("short_message")).as("short_message of %s", line).isTrue();
        assertThat(line.path("timestamp").isNumber()).as("timestamp of %s", line).isTrue();
        assertThat(line.path("level").isNumber()).as("level (syslog severity) of %s", line).isTrue();
        assertThat(line.path("_log_logger").asString()).as("_log_logger of %s", line).isNotBlank();
        assertThat(line.path("_process_thread_name").asString()).as("_process_thread_name of %s", line).isNotBlank();
    }
}
