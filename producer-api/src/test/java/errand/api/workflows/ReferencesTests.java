package errand.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import errand.api.FieldError;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;

/** Finding the references to other steps' results in a step's payload, and refusing malformed ones. */
class ReferencesTests {

    private final List<FieldError> errors = new ArrayList<>();

    private List<References.Reference> in(String payload) {
        return References.in(WireJson.mapper().readTree(payload), errors);
    }

    @Test
    void findsReferencesAnywhereWithTheirPointers() {
        List<References.Reference> found = in("""
                {"whole": {"$from": "a"}, "nested": [1, {"deep": {"$from": "b", "at": "/count"}}],
                 "fanIn": {"$from": ["c", "d"]}, "a/b": {"$from": "e"}}""");

        assertThat(found).containsExactly(
                new References.Reference("/whole", List.of("a")),
                new References.Reference("/nested/1/deep", List.of("b")),
                new References.Reference("/fanIn", List.of("c", "d")),
                new References.Reference("/a~1b", List.of("e")));
        assertThat(errors).isEmpty();
    }

    @Test
    void aPayloadWithoutReferencesHasNone() {
        assertThat(in("{\"from\": \"a\", \"list\": [{\"x\": 1}]}")).isEmpty();
        assertThat(errors).isEmpty();
    }

    @Test
    void malformedReferencesAreErrorsNamingWhereTheyAre() {
        in("""
                {"a": {"$from": 3}, "b": {"$from": []}, "c": {"$from": "x", "at": "count"},
                 "d": {"$from": ["x", "y"], "at": "/n"}, "e": {"$from": "x", "extra": 1}}""");

        assertThat(errors).extracting(FieldError::field)
                .containsExactlyInAnyOrder("/a/$from", "/b/$from", "/c/at", "/d/at", "/e/extra");
    }
}
