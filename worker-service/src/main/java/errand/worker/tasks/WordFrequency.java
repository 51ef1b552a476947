package errand.worker.tasks;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * {@code word-frequency}: counts the words of a text and returns the {@code top} most frequent (10 unless given), most
 * frequent first, ties in alphabetical order. A word is a run of letters and digits, apostrophes allowed inside
 * ({@code don't}); case is ignored. Reports progress and checks for cancellation every
 * {@value #PROGRESS_EVERY} words.
 */
@Task(name = "word-frequency", description = "Counts the words of a text and returns the most frequent ones with "
        + "their counts.", kind = TaskKind.CPU, timeout = "PT1M", retryBackoff = "PT2S",
        example = "{\"text\": \"The cat sat on the mat; the dog sat too.\", \"top\": 3}")
final class WordFrequency implements TaskHandler<WordFrequency.Input, WordFrequency.Output> {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}\\p{N}]+)*");
    private static final int DEFAULT_TOP = 10;
    private static final int PROGRESS_EVERY = 10_000;

    /** @param top how many words to return, 10 when absent */
    record Input(@NotBlank @Size(max = 1_000_000) String text, @Nullable @Min(1) @Max(1_000) Integer top) {
    }

    record Output(int totalWords, int distinctWords, List<WordCount> top) {
    }

    record WordCount(String word, int count) {
    }

    @Override
    public Output handle(Input input, TaskContext context) {
        String text = input.text();
        Map<String, Integer> counts = new HashMap<>();
        Matcher words = WORD.matcher(text);
        int total = 0;
        while (words.find()) {
            counts.merge(words.group().toLowerCase(Locale.ROOT), 1, Integer::sum);
            if (++total % PROGRESS_EVERY == 0) {
                context.checkCancelled();
                context.progress((double) words.end() / text.length(), total + " words counted");
            }
        }
        List<WordCount> top = counts.entrySet().stream()
                .map(entry -> new WordCount(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingInt(WordCount::count).reversed().thenComparing(WordCount::word))
                .limit(input.top() == null ? DEFAULT_TOP : input.top())
                .toList();
        context.progress(1.0, total + " words, " + counts.size() + " distinct");
        return new Output(total, counts.size(), top);
    }
}
