package errand.worker.tasks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a component of a task's input record as a diagnostic option: one that breaks things on purpose (halts the
 * worker, ignores interrupts) to exercise the runtime's defences. A worker serves such options only with
 * {@code errand.worker.diagnostics.enabled=true}. Otherwise the input schema it announces leaves them out, so the
 * API refuses a payload that names one (the schema allows no other property), and the worker refuses such a payload
 * that reached it anyway as {@code invalid-input}, so the handler never sees the option.
 */
@Target(ElementType.RECORD_COMPONENT)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Diagnostic {
}
