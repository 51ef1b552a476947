package errand.api.tasktypes;

import java.util.List;
import java.util.Map;

import errand.model.TaskTypeDescriptor;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the platform can run: task types with their schemas, and the live workers. */
@RestController
@RequestMapping("/api/v1")
class TaskTypeController {

    private final TaskTypeCatalog catalog;
    private final WorkerDirectory directory;

    TaskTypeController(TaskTypeCatalog catalog, WorkerDirectory directory) {
        this.catalog = catalog;
        this.directory = directory;
    }

    record TaskTypeView(String name, String description, String kind, String timeout, int maxAttempts,
            @Nullable String retryBackoff, int concurrency, Object inputSchema, Object outputSchema, Object example,
            int liveWorkers) {

        static TaskTypeView of(TaskTypeDescriptor type, int liveWorkers) {
            return new TaskTypeView(type.name(), type.description(), type.kind().name(), type.timeout().toString(),
                    type.maxAttempts(), type.retryBackoff() == null ? null : type.retryBackoff().toString(),
                    type.concurrency(), type.inputSchema(), type.outputSchema(), type.example(),
                    liveWorkers);
        }
    }

    @Operation(summary = "The task types workers serve", description = "Each with its description, defaults, "
            + "payload and result JSON Schema, an example payload and the number of live workers serving it.")
    @GetMapping("/task-types")
    List<TaskTypeView> taskTypes() {
        Map<String, Integer> live = directory.liveWorkersByType();
        return catalog.all().stream().map(t -> TaskTypeView.of(t, live.getOrDefault(t.name(), 0))).toList();
    }

    @Operation(summary = "The workers, from their heartbeats", description = "LIVE, STOPPING, or GONE once a "
            + "worker missed its heartbeats.")
    @GetMapping("/workers")
    List<WorkerDirectory.WorkerView> workers() {
        return directory.workers();
    }
}
