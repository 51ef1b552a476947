package errand.bench.load;

import java.util.concurrent.Callable;

import errand.bench.json.Json;
import tools.jackson.databind.JsonNode;

/**
 * Samples, twice a second, whether any of the vhost's connections is in flow control (RabbitMQ throttles a publisher
 * that outpaces it: connection state "flow") or blocked by a resource alarm.
 */
final class FlowSampler implements Runnable {

    private final Callable<String> connectionsJson;
    volatile boolean stop;
    volatile long samples;
    volatile long flowing;

    FlowSampler(Callable<String> connectionsJson) {
        this.connectionsJson = connectionsJson;
    }

    /** Whether a management API answer for {@code /connections?columns=state} shows a throttled connection. */
    static boolean throttled(String json) {
        for (JsonNode connection : Json.tree(json)) {
            String state = connection.path("state").asString("");
            if (state.equals("flow") || state.equals("blocked") || state.equals("blocking")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        while (!stop) {
            try {
                String body = connectionsJson.call();
                samples++;
                if (throttled(body)) {
                    flowing++;
                }
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the next sample
            }
        }
    }
}
