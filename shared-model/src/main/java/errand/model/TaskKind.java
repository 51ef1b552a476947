package errand.model;

/**
 * What bounds a task type: the runtime gives CPU-bound types a pool sized to the cores, I/O-bound ones virtual
 * threads.
 */
public enum TaskKind {
    CPU, IO
}
