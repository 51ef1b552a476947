package errand.tests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReadmeExamplesTests {

    private static final List<String> README = List.of(
            "Some prose.",
            "",
            "```bash",
            "curl -s localhost:8080/not-checked",
            "```",
            "",
            ReadmeExamples.MARKER,
            "```bash",
            "# a comment is prose",
            "ID=$(curl -s localhost:8080/api/v1/jobs \\",
            "     -d '{\"type\":\"echo\"}' | jq -r .id)",
            "curl -s localhost:8080/api/v1/jobs/$ID | jq -c '{status, result}'",
            "# → {\"status\":\"SUCCEEDED\",",
            "#    \"result\":…}",
            "# and this line is prose again",
            "curl -s localhost:8080/api/v1/workers",
            "```");

    @Test
    void readsOnlyTheMarkedBlocksWithContinuedCommandsAndTheirDocumentedAnswers() {
        List<List<ReadmeExamples.Step>> blocks = ReadmeExamples.checkedBlocks(README);

        assertThat(blocks).hasSize(1);
        assertThat(blocks.getFirst()).containsExactly(
                new ReadmeExamples.Step("ID=$(curl -s localhost:8080/api/v1/jobs \\\n"
                        + "     -d '{\"type\":\"echo\"}' | jq -r .id)\n", ""),
                new ReadmeExamples.Step("curl -s localhost:8080/api/v1/jobs/$ID | jq -c '{status, result}'\n",
                        "{\"status\":\"SUCCEEDED\",\n    \"result\":…}\n"),
                new ReadmeExamples.Step("curl -s localhost:8080/api/v1/workers\n", ""));
    }

    @Test
    void matchesAnAnswerIgnoringWhitespaceWithAnEllipsisForAnyText() {
        ReadmeExamples.Step step = new ReadmeExamples.Step("curl …", "{\"status\":\"SUCCEEDED\", \"id\":…}");

        assertThat(step.answeredBy("{\"status\": \"SUCCEEDED\",\n \"id\": \"0194\"}")).isTrue();
        assertThat(step.answeredBy("{\"status\":\"FAILED\",\"id\":\"0194\"}")).isFalse();
        assertThat(step.answeredBy("{\"status\":\"SUCCEEDED\",\"id\":\"0194\"} and more")).isFalse();
    }

    @Test
    void refusesAMarkerThatIsNotFollowedByABashBlock() {
        assertThatIllegalStateException()
                .isThrownBy(() -> ReadmeExamples.checkedBlocks(List.of(ReadmeExamples.MARKER, "prose")))
                .withMessageContaining("must be followed by a ```bash block");
    }
}
