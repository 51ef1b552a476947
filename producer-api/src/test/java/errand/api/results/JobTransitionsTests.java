package errand.api.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.JobStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.JsonNodeFactory;

class JobTransitionsTests {

    private static final UUID JOB = UUID.randomUUID();
    private static final Instant NOW = Instant.now();

    static List<JobEvent> everyKindOfEvent() {
        return List.of(
                new JobEvent.Started(JOB, 1, "w", NOW),
                new JobEvent.Progress(JOB, 1, "w", NOW, 0.5, "half"),
                new JobEvent.Leased(JOB, 1, "w", NOW, NOW.plusSeconds(15)),
                new JobEvent.Succeeded(JOB, 1, "w", NOW, NOW, JsonNodeFactory.instance.objectNode()),
                new JobEvent.Failed(JOB, 1, "w", NOW, NOW, new Failure("Boom", "boom", true), NOW),
                new JobEvent.Failed(JOB, 1, "w", NOW, NOW, new Failure("Boom", "boom", false), null));
    }

    @ParameterizedTest
    @MethodSource("everyKindOfEvent")
    void everySourceReachesTheEventsTargetThroughLegalMoves(JobEvent event) {
        JobStatus target = JobTransitions.targetOf(event);
        for (JobStatus source : JobTransitions.sourcesOf(event)) {
            if (source != target) {
                assertThat(reachableThroughNonTerminal(source)).as("%s -> %s", source, target).contains(target);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("everyKindOfEvent")
    void noEventLeavesATerminalStatus(JobEvent event) {
        assertThat(JobTransitions.sourcesOf(event)).noneMatch(JobStatus::isTerminal);
    }

    @ParameterizedTest
    @MethodSource("everyKindOfEvent")
    void aRepeatedEventIsNeverAppliedTwiceToTheStatusItProduced(JobEvent event) {
        JobStatus target = JobTransitions.targetOf(event);
        boolean retryOfARetriedAttempt = event instanceof JobEvent.Failed failed && failed.willRetry();
        if (!(event instanceof JobEvent.Progress || event instanceof JobEvent.Leased || retryOfARetriedAttempt)) {
            assertThat(JobTransitions.sourcesOf(event)).doesNotContain(target);
        }
    }

    private static Set<JobStatus> reachableThroughNonTerminal(JobStatus from) {
        Set<JobStatus> seen = EnumSet.noneOf(JobStatus.class);
        var queue = new ArrayDeque<JobStatus>(List.of(from));
        while (!queue.isEmpty()) {
            JobStatus current = queue.poll();
            for (JobStatus next : JobStatus.values()) {
                if (current.canMoveTo(next) && seen.add(next) && !next.isTerminal()) {
                    queue.add(next);
                }
            }
        }
        return seen;
    }
}
