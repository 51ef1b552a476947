package errand.bench.systems;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import errand.bench.Console;
import errand.bench.cli.Options;
import errand.testsupport.ErrandTestServices.Isolated;

/** RabbitMQ PerfTest with Errand's message pattern: the broker's limit. Its own vhost. */
public final class PerfTestSystem {

    private static final Pattern SENT = Pattern.compile("sending rate avg: (\\d+) msg/s");
    private static final Pattern RECEIVED = Pattern.compile("receiving rate avg: (\\d+) msg/s");
    private static final Pattern LATENCY = Pattern.compile(
            "consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) µs");

    private final Options options;
    private final Isolated vhost;
    private final Path out;

    public PerfTestSystem(Options options, Isolated vhost, Path out) {
        this.options = options;
        this.vhost = vhost;
        this.out = out;
    }

    /** Runs PerfTest once; its result line (the gate fails when nothing was received). */
    public Map<String, Object> run(String round, Processes processes, MessageSpy.MessagePattern pattern)
            throws Exception {
        int seconds = round.equals("warmup") ? Math.max(options.perftestSeconds() / 3, 3) : options.perftestSeconds();
        long size = pattern != null ? pattern.meanMessageBytes()
                : Long.parseLong(options.perftestSize() == null ? "200" : options.perftestSize());
        double perJob = pattern != null ? pattern.messagesPerJob() : 3;
        String queue = "bench-" + round;
        // quorum queue, persistent, publisher confirms (100 outstanding per producer), manual acks one by one with
        // prefetch 100; 3 producers and 3 consumers, like the API and two workers publishing and consuming
        List<String> args = new ArrayList<>(List.of("-qq", "-u", queue, "-ad", "false"));
        if (options.perftestArgs() != null) {
            args.addAll(List.of("-s", Long.toString(size), "-z", Integer.toString(seconds)));
            args.addAll(Arrays.asList(options.perftestArgs().strip().split("\\s+")));
        } else {
            args.addAll(List.of("-f", "persistent", "-x", "3", "-y", "3", "-c", "100", "-q", "100", "-s",
                    Long.toString(size), "-z", Integer.toString(seconds)));
        }
        Console.log("perftest, " + round + ": " + seconds + "s, " + size + "-byte messages, " + String.join(" ", args));
        List<String> command = new ArrayList<>(List.of(options.java(), "-Xmx256m", "-cp", "bench/.tools/perftest/*",
                "com.rabbitmq.perf.PerfTest", "-h", "amqp://" + vhost.amqpUser() + ":" + vhost.amqpPassword() + "@"
                        + vhost.amqpHost() + ":" + vhost.amqpPort() + "/" + vhost.vhost()));
        command.addAll(args);
        Path log = out.resolve("logs/perftest-" + round + ".log");
        Process process = processes.start(command, log, null, Map.of());
        boolean ok = process.waitFor() == 0;
        try {
            vhost.management("DELETE", "/api/queues/" + vhost.vhost() + "/" + queue, null);
        } catch (RuntimeException e) {
            // PerfTest may have removed it
        }
        Map<String, Object> result = parse(Files.readString(log), round, perJob, size, String.join(" ", args));
        if (!ok) {
            result.put("gate", "FAIL");
            List<String> lines = Files.readAllLines(log);
            lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(Console::line);
        }
        return result;
    }

    /** PerfTest's summary lines (text, not JSON) as a result line. */
    static Map<String, Object> parse(String text, String round, double perJob, long size, String args) {
        Matcher sent = SENT.matcher(text);
        Matcher received = RECEIVED.matcher(text);
        Matcher latency = LATENCY.matcher(text);
        long msgs = received.find() ? Long.parseLong(received.group(1)) : 0;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", "perftest");
        r.put("workload", "broker");
        r.put("round", round);
        r.put("sent_msg_s", sent.find() ? Long.parseLong(sent.group(1)) : 0);
        r.put("msg_s", msgs);
        r.put("messages_per_job", perJob);
        r.put("message_bytes", size);
        r.put("throughput", Math.round(msgs / perJob * 10) / 10.0);
        r.put("gate", msgs > 0 ? "pass" : "FAIL");
        r.put("args", args);
        if (latency.find()) {
            r.put("latency_p50_ms", Long.parseLong(latency.group(2)) / 1000.0);
            r.put("latency_p99_ms", Long.parseLong(latency.group(5)) / 1000.0);
        }
        return r;
    }
}
