package errand.api.workflows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dependency graph of a workflow's steps, checked before anything is stored. */
final class StepGraph {

    private StepGraph() {
    }

    /**
     * The steps that no order can run: those on a dependency cycle and those that depend on one. Empty for a graph
     * without cycles. Kahn's algorithm: what is left when no step is ready any more. Every dependency must be a step.
     */
    static Set<String> stepsOnOrAfterACycle(List<WorkflowDefinition.Step> steps) {
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        for (WorkflowDefinition.Step step : steps) {
            waiting.put(step.id(), step.dependsOn().size());
            step.dependsOn().forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(step.id()));
            if (step.dependsOn().isEmpty()) {
                ready.add(step.id());
            }
        }
        while (!ready.isEmpty()) {
            String done = ready.poll();
            waiting.remove(done);
            for (String dependent : dependents.getOrDefault(done, List.of())) {
                if (waiting.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        return Set.copyOf(waiting.keySet());
    }
}
