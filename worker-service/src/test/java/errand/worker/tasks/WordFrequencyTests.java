package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import errand.worker.tasks.WordFrequency.WordCount;
import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;

class WordFrequencyTests {

    private static final String LONG_TEXT = "one two two three three three ".repeat(10_000);

    private final TaskTestKit<WordFrequency.Input, WordFrequency.Output> wordFrequency =
            TaskTestKit.of(new WordFrequency());

    @Test
    void returnsTheMostFrequentWordsFirstWithTiesInAlphabeticalOrder() {
        TaskRun<WordFrequency.Output> run = wordFrequency.runExample();

        assertThat(run.output()).isEqualTo(new WordFrequency.Output(10, 7,
                List.of(new WordCount("the", 3), new WordCount("sat", 2), new WordCount("cat", 1))));
        assertThat(run.outputJson().toString()).isEqualTo("{\"totalWords\":10,\"distinctWords\":7,\"top\":["
                + "{\"word\":\"the\",\"count\":3},{\"word\":\"sat\",\"count\":2},{\"word\":\"cat\",\"count\":1}]}");
    }

    @Test
    void ignoresCaseAndPunctuationButKeepsApostrophesInsideWords() {
        var output = wordFrequency.run(new WordFrequency.Input("Don't stop! DON'T... 'quoted' Über über 42", 3))
                .output();

        assertThat(output.top()).containsExactly(new WordCount("don't", 2), new WordCount("über", 2),
                new WordCount("42", 1));
        assertThat(output.totalWords()).isEqualTo(7);
    }

    @Test
    void returnsTenWordsWhenTopIsLeftOut() {
        var output = wordFrequency.run("{\"text\": \"a b c d e f g h i j k l\"}").output();

        assertThat(output.top()).hasSize(10).first().isEqualTo(new WordCount("a", 1));
        assertThat(output.distinctWords()).isEqualTo(12);
    }

    @Test
    void countsNoWordsInPunctuation() {
        assertThat(wordFrequency.run("{\"text\": \"?! -- ...\"}").output())
                .isEqualTo(new WordFrequency.Output(0, 0, List.of()));
    }

    @Test
    void reportsProgressUpToCompletion() {
        TaskRun<WordFrequency.Output> run = wordFrequency.run(new WordFrequency.Input(LONG_TEXT, 1));

        assertThat(run.output().top()).containsExactly(new WordCount("three", 30_000));
        assertThat(run.progressFractions()).hasSize(7).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void stopsWhenCancelled() {
        TaskRun<WordFrequency.Output> run = wordFrequency.cancelAtProgress(0.0).run(new WordFrequency.Input(LONG_TEXT,
                null));

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.progress()).hasSize(1);
    }

    @Test
    void refusesABlankTextAndATopOutOfRangeNamingBoth() {
        assertThat(wordFrequency.run("{\"text\": \" \", \"top\": 0}").failure().message())
                .isEqualTo("text: must not be blank; top: must be greater than or equal to 1");
        assertThat(wordFrequency.run("{\"top\": 5}").failure().type()).isEqualTo("invalid-input");
    }
}
