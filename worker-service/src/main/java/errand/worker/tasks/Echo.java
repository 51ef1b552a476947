package errand.worker.tasks;

import errand.model.TaskKind;
import tools.jackson.databind.node.ObjectNode;

/** {@code echo}: returns its payload, any JSON object, unchanged. */
@Task(name = "echo", description = "Returns its payload, any JSON object, unchanged.", kind = TaskKind.IO, quick = true,
        timeout = "PT30S", example = "{\"hello\": \"world\"}")
final class Echo implements TaskHandler<ObjectNode, ObjectNode> {

    @Override
    public ObjectNode handle(ObjectNode input, TaskContext context) {
        return input;
    }
}
