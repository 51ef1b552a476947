package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import errand.tests.support.ErrandPlatform;
import errand.tests.support.PlatformApps;
import errand.tests.support.ReadmeExamples;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's curl examples, run as written by {@code bash} against a started platform (API and one worker), each
 * answer compared with the one the README documents. Only the API's address changes: the README's
 * {@code localhost:8080} becomes the test API's port. The commands need {@code curl} and {@code jq}, like a reader.
 */
class ReadmeWalkthroughEndToEndTests {

    private static final String README_ADDRESS = "localhost:8080";
    private static final Pattern STEP_END = Pattern.compile("\n?@@errand-step (\\d+) exit (\\d+)@@\n");
    private static final long SCRIPT_LIMIT_MINUTES = 5;

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @Test
    void everyCheckedReadmeExampleRunsAsWrittenAndGivesItsDocumentedAnswer() throws Exception {
        List<ReadmeExamples.Step> steps = ReadmeExamples.checkedBlocks(PlatformApps.repoRoot().resolve("README.md"))
                .stream().flatMap(List::stream).toList();
        assertThat(steps).as("checked README steps").hasSizeGreaterThan(20);
        assertThat(steps.stream().filter(ReadmeExamples.Step::hasAnswer)).as("steps with a documented answer")
                .hasSizeGreaterThan(10);

        List<String> outputs = run(script(steps));

        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < steps.size(); i++) {
            ReadmeExamples.Step step = steps.get(i);
            String output = i < outputs.size() ? outputs.get(i) : "(never ran: an earlier step ended the script)";
            softly.assertThat(exitStatus(output)).as("exit status of\n%s\nwhich printed\n%s", step.command(),
                    printed(output)).isZero();
            if (step.hasAnswer()) {
                softly.assertThat(step.answeredBy(printed(output)))
                        .as("answer of\n%s\nprinted\n%s\nbut the README documents\n%s", step.command(),
                                printed(output), step.answer())
                        .isTrue();
            }
        }
        softly.assertAll();
    }

    /** One bash script: the steps in order (so {@code ID=…} carries over), each followed by an end marker. */
    private static String script(List<ReadmeExamples.Step> steps) {
        String address = "localhost:" + platform.apiProcess().port();
        StringBuilder script = new StringBuilder("set -o pipefail\n");
        for (int i = 0; i < steps.size(); i++) {
            script.append(steps.get(i).command().replace(README_ADDRESS, address))
                    .append("printf '\\n@@errand-step ").append(i).append(" exit %d@@\\n' $?\n");
        }
        return script.toString();
    }

    /** Each step's output, ending with its {@code exit <status>} marker. */
    private static List<String> run(String script) throws IOException, InterruptedException {
        Path file = Files.createTempFile("readme-walkthrough", ".sh");
        Path printed = Files.createTempFile("readme-walkthrough", ".out");
        try {
            Files.writeString(file, script);
            Process bash = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true)
                    .redirectOutput(printed.toFile()).start();
            bash.getOutputStream().close();
            // a step that never ends (an event stream that does not close) must fail the test, not hang it
            if (!bash.waitFor(SCRIPT_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                bash.destroyForcibly().waitFor();
            }
            String output = Files.readString(printed, StandardCharsets.UTF_8);
            List<String> outputs = new ArrayList<>();
            Matcher end = STEP_END.matcher(output);
            int from = 0;
            while (end.find()) {
                outputs.add(output.substring(from, end.start()) + "\nexit " + end.group(2));
                from = end.end();
            }
            return outputs;
        } finally {
            deleteQuietly(file);
            deleteQuietly(printed);
        }
    }

    private static int exitStatus(String output) {
        return output.startsWith("(never ran") ? -1
                : Integer.parseInt(output.substring(output.lastIndexOf("\nexit ") + "\nexit ".length()));
    }

    private static String printed(String output) {
        int end = output.lastIndexOf("\nexit ");
        return end < 0 ? output : output.substring(0, end);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
