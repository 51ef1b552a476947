package errand.worker.runtime.registry;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import errand.model.TaskKind;
import errand.model.WireJson;
import errand.worker.schema.JsonSchemaGenerator;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskHandler;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every {@link TaskHandler} of the application, by task type name. Built once at start; a handler that cannot be
 * served (no {@code @Task}, a name already taken, an input type that cannot be resolved, a bad timeout, backoff or
 * example)
 * stops the worker from starting with a message naming the handler class.
 */
public final class TaskRegistry {

    private final Map<String, RegisteredTask> tasks = new TreeMap<>();

    public TaskRegistry(Collection<? extends TaskHandler<?, ?>> handlers, InputDecoder decoder) {
        for (TaskHandler<?, ?> handler : handlers) {
            RegisteredTask task = register(handler, decoder);
            RegisteredTask taken = tasks.putIfAbsent(task.name(), task);
            if (taken != null) {
                throw new IllegalStateException("Task type '" + task.name() + "' is declared twice: by "
                        + taken.handlerClass().getName() + " and by " + task.handlerClass().getName());
            }
        }
    }

    Optional<RegisteredTask> find(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    List<RegisteredTask> all() {
        return List.copyOf(tasks.values());
    }

    @SuppressWarnings("unchecked")
    private static RegisteredTask register(TaskHandler<?, ?> handler, InputDecoder decoder) {
        Class<?> handlerClass = AopUtils.getTargetClass(handler);
        Task task = AnnotatedElementUtils.findMergedAnnotation(handlerClass, Task.class);
        if (task == null) {
            throw new IllegalStateException(handlerClass.getName() + " implements TaskHandler but has no @Task");
        }
        String name = task.name();
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new IllegalStateException(handlerClass.getName() + ": @Task name '" + name
                    + "' must be lowercase letters, digits, '.', '_' or '-', at most 100 characters");
        }
        ResolvableType generics = ResolvableType.forClass(handlerClass).as(TaskHandler.class);
        Class<?> inputType = generics.getGeneric(0).resolve();
        if (inputType == null || inputType == Object.class) {
            throw new IllegalStateException(handlerClass.getName() + ": cannot resolve the input type of task '"
                    + name + "'; implement TaskHandler<Input, Output> with concrete types");
        }
        Duration timeout = parsePositive(handlerClass, "timeout", task.timeout());
        Duration retryBackoff = task.retryBackoff().isEmpty() ? null
                : parsePositive(handlerClass, "retryBackoff", task.retryBackoff());
        if (task.maxAttempts() < 1 || task.concurrency() < 0) {
            throw new IllegalStateException(handlerClass.getName() + ": @Task maxAttempts must be at least 1 and "
                    + "concurrency not negative");
        }
        if (task.quick() && task.kind() != TaskKind.IO) {
            throw new IllegalStateException(handlerClass.getName() + ": @Task quick is for IO types only; a CPU "
                    + "type's slot waits for a core, and a delivery held behind it would wait too");
        }
        Type outputType = generics.getGeneric(1).resolve(Object.class);
        JsonNode example = parseExample(handlerClass, task, inputType, decoder);
        try {
            return new RegisteredTask(name, task.description(), task.kind(), timeout, task.maxAttempts(),
                    retryBackoff, task.concurrency(), task.quick(), (TaskHandler<Object, Object>) handler,
                    handlerClass, inputType,
                    announcedInputSchema(generics.getGeneric(0).getType(), inputType, decoder),
                    JsonSchemaGenerator.schemaOf(outputType), example);
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException(handlerClass.getName() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The input schema, without the {@link errand.worker.tasks.Diagnostic} options unless the decoder accepts them:
     * the schema allows no other property, so the API then refuses a payload naming one.
     */
    private static ObjectNode announcedInputSchema(Type type, Class<?> inputType, InputDecoder decoder) {
        ObjectNode schema = JsonSchemaGenerator.schemaOf(type);
        if (decoder.acceptsDiagnostics()) {
            return schema;
        }
        for (String option : InputDecoder.diagnosticOptions(inputType)) {
            if (schema.get("properties") instanceof ObjectNode properties) {
                properties.remove(option);
            }
            if (schema.get("required") instanceof ArrayNode required) {
                for (int i = required.size() - 1; i >= 0; i--) {
                    if (option.equals(required.get(i).asString())) {
                        required.remove(i);
                    }
                }
            }
        }
        return schema;
    }

    private static Duration parsePositive(Class<?> handlerClass, String attribute, String value) {
        try {
            Duration duration = Duration.parse(value);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException(handlerClass.getName() + ": @Task " + attribute + " must be positive");
            }
            return duration;
        } catch (DateTimeParseException ex) {
            throw new IllegalStateException(handlerClass.getName() + ": @Task " + attribute + " '" + value
                    + "' is not an ISO-8601 duration such as PT1M", ex);
        }
    }

    private static @Nullable JsonNode parseExample(Class<?> handlerClass, Task task, Class<?> inputType,
            InputDecoder decoder) {
        if (task.example().isBlank()) {
            return null;
        }
        try {
            JsonNode example = WireJson.mapper().readTree(task.example());
            decoder.decode(example, inputType);
            return example;
        } catch (JacksonException | InvalidInputException ex) {
            throw new IllegalStateException(handlerClass.getName() + ": @Task example is not a valid input: "
                    + ex.getMessage(), ex);
        }
    }
}
