package errand.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import errand.bench.json.Json;

/** results.jsonl: one JSON line per workload and round, appended by the kit (Errand, PerfTest) and by Celery's. */
public record Results(Path file) {

    public synchronized void append(Map<String, Object> result) {
        try {
            Files.writeString(file, Json.write(result) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<ResultRow> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).map(ResultRow::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
