package errand.api.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import errand.amqp.ErrandTopology;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.stereotype.Component;

/**
 * Declares the work queue of each known task type before anything is published to it: a job published to a
 * type nobody declared would be unroutable.
 */
@Component
public class JobQueues {

    private final AmqpAdmin admin;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();

    JobQueues(AmqpAdmin admin) {
        this.admin = admin;
    }

    public void ensureDeclared(String taskType) {
        if (declared.contains(taskType)) {
            return;
        }
        admin.declareQueue(ErrandTopology.jobQueue(taskType));
        admin.declareBinding(ErrandTopology.jobQueueBinding(taskType));
        declared.add(taskType);
    }
}
