package errand.api.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import errand.model.Topology;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
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
        String name = Topology.jobQueue(taskType);
        admin.declareQueue(new Queue(name, true, false, false, Topology.jobQueueArguments()));
        admin.declareBinding(new Binding(name, Binding.DestinationType.QUEUE, Topology.JOBS_EXCHANGE, taskType, null));
        declared.add(taskType);
    }
}
