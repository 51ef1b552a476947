package errand.api.console;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Answers every console route with the console's one page, so a deep link or a reload of
 * {@code /console/jobs?status=FAILED} opens the page the browser's router then draws. The page's scripts and styles
 * are static resources under {@code /console/}.
 */
@Hidden
@Controller
class ConsoleController {

    private static final String PAGE = "forward:/console/index.html";

    @GetMapping("/console")
    String root() {
        return "redirect:/console/";
    }

    @GetMapping({"/console/", "/console/jobs", "/console/jobs/{id}", "/console/failures", "/console/task-types",
        "/console/task-types/{name}", "/console/workers", "/console/batches", "/console/batches/{id}",
        "/console/workflows", "/console/workflows/{id}", "/console/schedules", "/console/schedules/{id}"})
    String page() {
        return PAGE;
    }
}
