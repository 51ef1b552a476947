package errand.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docs/wire-contract.md} and this module agree. Every fenced {@code json} block of the document is preceded by a
 * marker line {@code <!-- example: JobEvent -->} naming the record it shows (nested ones as {@code Outer.Inner}); each
 * example is read into that record with {@link WireJson} and written back to the same JSON tree, so a renamed,
 * added or removed property fails here. The names and arguments of {@link Topology} and {@link Headers} must appear in
 * the document, each queue's arguments in that queue's table row.
 */
class WireContractDocumentTests {

    private static final Pattern EXAMPLE = Pattern.compile(
            "<!-- example: ([A-Za-z.]+) -->\\s*\\n```json\\n(.*?)\\n```", Pattern.DOTALL);

    private static final String DOCUMENT = read();

    record Example(String record, String json) {

        @Override
        public String toString() {
            return record + " " + WireJson.mapper().readTree(json).path("event").asString("")
                    + WireJson.mapper().readTree(json).path("command").asString("");
        }
    }

    static List<Example> examples() {
        List<Example> examples = new ArrayList<>();
        Matcher matcher = EXAMPLE.matcher(DOCUMENT);
        while (matcher.find()) {
            examples.add(new Example(matcher.group(1), matcher.group(2)));
        }
        return examples;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void readsEachExampleIntoItsRecordAndWritesTheSameJsonBack(Example example) throws ClassNotFoundException {
        Class<?> type = Class.forName("errand.model." + example.record().replace('.', '$'));

        Object value = WireJson.mapper().readValue(example.json(), type);

        assertThat(WireJson.tree(WireJson.write(value))).as(example.json())
                .isEqualTo(WireJson.mapper().readTree(example.json()));
    }

    @Test
    void marksEveryJsonBlockWithTheRecordItShows() {
        long blocks = DOCUMENT.lines().filter(line -> line.strip().equals("```json")).count();

        assertThat(examples()).hasSize((int) blocks);
    }

    @Test
    void showsEveryKindOfEventAndCommand() {
        assertThat(kindsShown(JobEvent.class, "event")).containsExactlyInAnyOrderElementsOf(kinds(JobEvent.class));
        assertThat(kindsShown(ControlCommand.class, "command"))
                .containsExactlyInAnyOrderElementsOf(kinds(ControlCommand.class));
        assertThat(examples()).extracting(Example::record).contains("JobMessage", "WorkerHeartbeat");
    }

    @Test
    void showsAHeartbeatWithALease() {
        assertThat(examples()).filteredOn(example -> example.record().equals("WorkerHeartbeat"))
                .anySatisfy(example -> assertThat(WireJson.mapper().readValue(example.json(), WorkerHeartbeat.class)
                        .leases()).isNotEmpty());
    }

    @Test
    void namesEveryExchangeQueueAndHeader() throws IllegalAccessException {
        List<String> names = new ArrayList<>(constants(Topology.class));
        names.addAll(constants(Headers.class));
        names.add(Topology.jobQueue("<type>"));
        Topology.RETRY_TIERS.forEach(tier -> names.add(Topology.retryQueue(tier)));

        assertThat(names).allSatisfy(name -> assertThat(DOCUMENT).contains("`" + name + "`"));
    }

    @Test
    void listsEachQueuesArgumentsInItsRow() {
        assertThat(rows(Topology.jobQueue("<type>"))).anySatisfy(hasCells(Topology.jobQueueArguments()));
        assertThat(rows(Topology.DEAD_QUEUE)).anySatisfy(hasCells(Topology.deadQueueArguments()));
        assertThat(rows(Topology.DEAD_NOTICES_QUEUE)).anySatisfy(hasCells(Topology.deadQueueArguments()));
        assertThat(rows(Topology.RESULTS_QUEUE)).anySatisfy(hasCells(Topology.resultsQueueArguments()));
        for (Duration tier : Topology.RETRY_TIERS) {
            assertThat(rows(Topology.retryQueue(tier))).as("rows of %s", Topology.retryQueue(tier))
                    .anySatisfy(hasCells(Topology.retryQueueArguments(tier)))
                    .anySatisfy(hasCells(Topology.retryBindingArguments(tier)));
        }
    }

    private static List<String> kindsShown(Class<?> type, String property) {
        return examples().stream().filter(example -> example.record().equals(type.getSimpleName()))
                .map(example -> WireJson.mapper().readTree(example.json()).path(property).asString())
                .distinct().toList();
    }

    private static List<String> kinds(Class<?> sealedType) {
        return Arrays.stream(sealedType.getAnnotation(JsonSubTypes.class).value()).map(JsonSubTypes.Type::name)
                .toList();
    }

    private static List<String> constants(Class<?> holder) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                values.add((String) field.get(null));
            }
        }
        return values;
    }

    /** The table rows that start with the name, e.g. {@code | `errand.results` | …}. */
    private static List<String> rows(String name) {
        return DOCUMENT.lines().filter(line -> line.startsWith("| `" + name + "`")).toList();
    }

    /** A row listing every argument as {@code `key=value`}. */
    private static ThrowingConsumer<String> hasCells(Map<String, Object> arguments) {
        return row -> assertThat(row).contains(arguments.entrySet().stream()
                .map(entry -> "`" + entry.getKey() + "=" + entry.getValue() + "`").toList());
    }

    private static String read() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null) {
            Path document = directory.resolve("docs").resolve("wire-contract.md");
            if (Files.isRegularFile(document)) {
                try {
                    return Files.readString(document);
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            }
            directory = directory.getParent();
        }
        throw new IllegalStateException("docs/wire-contract.md not found above " + Path.of("").toAbsolutePath());
    }
}
