package errand.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class StorableJsonTests {

    private static JsonNode json(String text) {
        return WireJson.mapper().readTree(text);
    }

    @Test
    void acceptsNumbersOfEveryKindStringsWithSurrogatePairsAndNesting() {
        JsonNode value = json("""
                {"big": 123456789012345678901234567890123456789012345678901234567890,
                 "decimal": 0.1234567890123456789012345678901234567890, "huge": 1e400, "tiny": 1e-400,
                 "zero": -0.0, "emoji": "\\ud83d\\ude00 😀", "nested": [{"a": [1, 2.50, null, true]}]}""");

        assertThat(StorableJson.problems(value)).isEmpty();
    }

    @Test
    void namesANulCharacterInAValueByItsPointer() {
        assertThat(StorableJson.problems(json("{\"a\": [\"ok\", {\"b/c\": \"x\\u0000y\"}]}")))
                .singleElement().satisfies(problem -> {
                    assertThat(problem.pointer()).isEqualTo("/a/1/b~1c");
                    assertThat(problem.rule()).isEqualTo("nul-character");
                    assertThat(problem.message()).contains("NUL");
                });
    }

    @Test
    void namesANulCharacterInAKey() {
        assertThat(StorableJson.problems(json("{\"outer\": {\"k\\u0000\": 1}}"))).singleElement()
                .satisfies(problem -> {
                    assertThat(problem.pointer()).isEqualTo("/outer/k\uFFFD");
                    assertThat(problem.message()).contains("property name");
                });
    }

    @Test
    void namesLoneSurrogatesHighOrLowInValuesAndKeys() {
        JsonNode value = json("{\"high\": \"a\\ud800\", \"low\": \"\\udc00b\", \"\\ud800\": 1, "
                + "\"reversed\": \"\\ude00\\ud83d\"}");

        assertThat(StorableJson.problems(value)).extracting(StorableJson.Problem::pointer, StorableJson.Problem::rule)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("/high", "lone-surrogate"),
                        org.assertj.core.groups.Tuple.tuple("/low", "lone-surrogate"),
                        org.assertj.core.groups.Tuple.tuple("/\uFFFD", "lone-surrogate"),
                        org.assertj.core.groups.Tuple.tuple("/reversed", "lone-surrogate"));
    }

    @Test
    void refusesNumbersTooLongToReadBackAndNonFiniteDoubles() {
        ObjectNode value = JsonNodeFactory.instance.objectNode();
        value.put("longest", new BigDecimal("1e999"));
        value.put("tooLong", new BigDecimal("1e1000"));
        value.put("tooSmall", new BigDecimal("1e-1000"));
        value.put("tooManyDigits", BigInteger.TEN.pow(1000));
        value.put("infinite", Double.POSITIVE_INFINITY);
        value.put("nan", Double.NaN);

        assertThat(StorableJson.problems(value)).extracting(StorableJson.Problem::pointer)
                .containsExactlyInAnyOrder("/tooLong", "/tooSmall", "/tooManyDigits", "/infinite", "/nan");
    }

    @Test
    void readableTextReplacesOnlyWhatTheStoreCannotKeep() {
        String fine = "ok 😀";

        assertThat(StorableJson.readable(fine)).isSameAs(fine);
        assertThat(StorableJson.readable("a\u0000b\ud800c😀\udc00")).isEqualTo("a\uFFFDb\uFFFDc😀\uFFFD");
    }
}
