package errand.bench.systems;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the kit starts an Errand app. The measured system starts as users do ({@link #SCRIPT}: bin/errand-java); the
 * start-up measurement compares it with the two ways before it.
 */
public enum Launch {

    /** {@code java -jar app.jar} with the JVM's defaults: how the apps were started before bin/errand-java. */
    PLAIN_JAR("java -jar"),
    /** bin/errand-java without the AOT cache: the extracted jar and the tuned JVM settings. */
    SCRIPT_WITHOUT_AOT("bin/errand-java, ERRAND_AOT=off"),
    /** bin/errand-java: the extracted jar, the AOT cache, the tuned JVM settings. */
    SCRIPT("bin/errand-java");

    private final String text;

    Launch(String text) {
        this.text = text;
    }

    /** What the report calls it. */
    public String text() {
        return text;
    }

    /** The command: the launcher (or java) on the jar, then the app's arguments. */
    public List<String> command(String java, Path script, Path jar, List<String> appArgs) {
        List<String> command = new ArrayList<>(this == PLAIN_JAR ? List.of(java, "-jar") : List.of(script.toString()));
        command.add(jar.toString());
        command.addAll(appArgs);
        return command;
    }

    /** Which of the two apps a launch starts: the launcher compiles them differently. */
    public enum App { API, WORKER }

    /**
     * The environment the launcher reads: the JDK of the options, the AOT switch, the API's compiler (C1 only, as its
     * Dockerfile starts it), more JVM options.
     */
    public Map<String, String> environment(App app, String java, String javaOptions) {
        Map<String, String> env = new HashMap<>();
        if (this != PLAIN_JAR) {
            env.put("JAVA_HOME", Path.of(java).toAbsolutePath().getParent().getParent().toString());
            env.put("ERRAND_AOT", this == SCRIPT ? "on" : "off");
            env.put("ERRAND_JIT", app == App.API ? "c1" : "tiered");
        }
        if (!javaOptions.isBlank()) { // java itself reads JDK_JAVA_OPTIONS; the launcher adds JAVA_OPTS to its own
            env.put(this == PLAIN_JAR ? "JDK_JAVA_OPTIONS" : "JAVA_OPTS", javaOptions);
        }
        return env;
    }
}
