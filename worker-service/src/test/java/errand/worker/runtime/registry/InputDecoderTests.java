package errand.worker.runtime.registry;

import static errand.worker.runtime.registry.TaskFixtures.aDecoder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.List;

import errand.model.WireJson;
import errand.worker.tasks.Diagnostic;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class InputDecoderTests {

    record Range(@Min(1) @Max(10) long upTo, @NotBlank String label) {
    }

    record Outer(@Valid List<Range> ranges) {
    }

    record Misbehave(@Nullable Integer failTimes, @Diagnostic @Nullable Boolean crash) {
    }

    private final InputDecoder decoder = aDecoder();

    @Test
    void refusesADiagnosticOptionNamingItWhenDiagnosticsAreOff() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> decoder.decode(json("{\"failTimes\": 1, \"crash\": true}"), Misbehave.class))
                .withMessage("crash: a diagnostic option, accepted only when "
                        + "errand.worker.diagnostics.enabled is true");
        assertThatExceptionOfType(InvalidInputException.class)
                .as("even a harmless value: the announced schema has no such property")
                .isThrownBy(() -> decoder.decode(json("{\"crash\": false}"), Misbehave.class));
        assertThat(decoder.acceptsDiagnostics()).isFalse();
    }

    @Test
    void decodesADiagnosticOptionWhenDiagnosticsAreOn() throws Exception {
        InputDecoder diagnostic = aDecoder(true);

        assertThat(diagnostic.decode(json("{\"failTimes\": 1, \"crash\": true}"), Misbehave.class))
                .isEqualTo(new Misbehave(1, true));
        assertThat(diagnostic.acceptsDiagnostics()).isTrue();
    }

    @Test
    void decodesAPayloadWithoutDiagnosticOptionsWhenDiagnosticsAreOff() throws Exception {
        assertThat(decoder.decode(json("{\"failTimes\": 2}"), Misbehave.class)).isEqualTo(new Misbehave(2, null));
    }

    @Test
    void decodesAValidPayloadIntoTheRecord() throws Exception {
        assertThat(decoder.decode(json("{\"upTo\": 3, \"label\": \"x\", \"ignored\": true}"), Range.class))
                .isEqualTo(new Range(3, "x"));
    }

    @Test
    void namesEveryFieldThatBreaksAConstraint() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> decoder.decode(json("{\"upTo\": 0, \"label\": \" \"}"), Range.class))
                .withMessage("label: must not be blank; upTo: must be greater than or equal to 1");
    }

    @Test
    void namesTheFieldThatCannotBeDecoded() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> decoder.decode(json("{\"upTo\": \"many\", \"label\": \"x\"}"), Range.class))
                .withMessageStartingWith("upTo: ");
    }

    @Test
    void namesNestedFieldsWithTheirPath() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> decoder.decode(json("{\"ranges\": [{\"upTo\": 11, \"label\": \"x\"}]}"),
                        Outer.class))
                .withMessage("ranges[0].upTo: must be less than or equal to 10");
    }

    @Test
    void refusesAPayloadThatIsNotAnObject() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> decoder.decode(json("[1, 2]"), Range.class))
                .withMessageStartingWith("payload: ");
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> decoder.decode(json("\"text\""), ObjectNode.class))
                .withMessageStartingWith("payload: ");
    }

    @Test
    void passesJsonObjectsThroughForNodeInputs() throws Exception {
        JsonNode payload = json("{\"anything\": [1, {\"goes\": null}]}");

        assertThat(decoder.decode(payload, ObjectNode.class)).isSameAs(payload);
        assertThat(decoder.decode(payload, JsonNode.class)).isSameAs(payload);
    }

    private static JsonNode json(String text) {
        return WireJson.mapper().readTree(text);
    }
}
