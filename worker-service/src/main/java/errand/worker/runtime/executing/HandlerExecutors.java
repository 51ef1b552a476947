package errand.worker.runtime.executing;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import errand.model.TaskKind;
import errand.worker.runtime.registry.ServedTasks;
import org.springframework.core.task.TaskDecorator;

/**
 * Where handlers run. CPU-kind handlers share one bounded pool of platform threads, one per core (see
 * {@link ServedTasks#cpuThreads()}; no more CPU jobs than that are admitted at once, so none waits for a thread);
 * IO-kind handlers each get a virtual thread. The threads are daemons: a handler that ignores interruption cannot
 * keep the process alive at exit.
 *
 * <p>A handler that ignores its interrupt past the grace period is abandoned (its slot freed, its result ignored).
 * While an abandoned handler still occupies a CPU thread, the pool lends one more thread, so abandoned handlers do
 * not shrink the capacity left to the others; the pool shrinks back when the handler finally returns.
 *
 * <p>Every handler runs through the {@link TaskDecorator}, which carries the submitting thread's trace and log
 * context ({@link AttemptTracing}) to the handler's thread.
 */
public final class HandlerExecutors implements AutoCloseable {

    private final int cpuThreads;
    private final ThreadPoolExecutor cpu;
    private final ExecutorService io;
    private final TaskDecorator context;
    private int abandonedCpu;

    public HandlerExecutors(int cpuThreads, TaskDecorator context) {
        this.cpuThreads = cpuThreads;
        this.context = context;
        this.cpu = new ThreadPoolExecutor(cpuThreads, cpuThreads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("errand-cpu-", 1).daemon(true).factory());
        this.io = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("errand-io-", 1).factory());
    }

    /** @throws java.util.concurrent.RejectedExecutionException once closed */
    void execute(TaskKind kind, Runnable handler) {
        switch (kind) {
            case CPU -> cpu.execute(context.decorate(handler));
            case IO -> io.execute(context.decorate(handler));
        }
    }

    synchronized void abandoned(TaskKind kind) {
        if (kind == TaskKind.CPU) {
            abandonedCpu++;
            resize();
        }
    }

    synchronized void released(TaskKind kind) {
        if (kind == TaskKind.CPU) {
            abandonedCpu--;
            resize();
        }
    }

    /** Threads of the CPU pool right now, abandoned ones included. */
    synchronized int cpuPoolSize() {
        return cpu.getCorePoolSize();
    }

    private void resize() {
        int size = cpuThreads + abandonedCpu;
        if (size > cpu.getMaximumPoolSize()) {
            cpu.setMaximumPoolSize(size);
            cpu.setCorePoolSize(size);
        } else {
            cpu.setCorePoolSize(size);
            cpu.setMaximumPoolSize(size);
        }
    }

    @Override
    public void close() {
        cpu.shutdownNow();
        io.shutdownNow();
    }
}
