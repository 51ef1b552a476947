package errand.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import errand.api.jobs.JobSpec;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;

/** Finding the steps no order can run: cycles and what depends on them. */
class StepGraphTests {

    private static WorkflowDefinition.Step step(String id, String... dependsOn) {
        return new WorkflowDefinition.Step(id, new JobSpec("echo", WireJson.mapper().createObjectNode(), 1,
                Duration.ofSeconds(1)), Arrays.asList(dependsOn), false);
    }

    @Test
    void aChainAFanOutAndAFanInHaveNoCycle() {
        assertThat(StepGraph.stepsOnOrAfterACycle(List.of(step("a"), step("b", "a"), step("c", "a"),
                step("d", "b", "c")))).isEmpty();
    }

    @Test
    void aCycleAndWhatDependsOnItCannotRun() {
        assertThat(StepGraph.stepsOnOrAfterACycle(List.of(step("root"), step("a", "root", "c"), step("b", "a"),
                step("c", "b"), step("after", "c"), step("free", "root"))))
                .containsExactlyInAnyOrder("a", "b", "c", "after");
    }

    @Test
    void twoStepsThatDependOnEachOtherAreACycleWithNoRoot() {
        assertThat(StepGraph.stepsOnOrAfterACycle(List.of(step("a", "b"), step("b", "a"))))
                .containsExactlyInAnyOrder("a", "b");
    }
}
