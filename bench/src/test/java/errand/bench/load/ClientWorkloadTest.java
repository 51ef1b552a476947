package errand.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import errand.bench.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The client end to end's parsing, waiting, paging and read-back checks, on canned answers (no network). */
class ClientWorkloadTest {

    private static final String BATCH = "7d3f0c1e-0000-4000-8000-000000000001";
    private static final String A = "0b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f";
    private static final String B = "1b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f";
    private static final String C = "2b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f";

    private static String job(String id, String status, int n) {
        return "{\"id\":\"" + id + "\",\"type\":\"echo\",\"status\":\"" + status + "\",\"result\":"
                + LoadGenerator.echoPayload("r1", n) + ",\"batchId\":\"" + BATCH + "\"}";
    }

    @Test
    void readsTheBatchSubmitsAnswer() {
        BatchEndpoints.Accepted accepted = BatchEndpoints.accepted("{\"batchId\":\"" + BATCH + "\",\"jobs\":[{\"id\":\""
                + A + "\",\"status\":\"QUEUED\"},{\"id\":\"" + B + "\"}]}");
        assertThat(accepted.batchId()).isEqualTo(BATCH);
        assertThat(accepted.jobIds()).containsExactly(A, B);
        assertThatThrownBy(() -> BatchEndpoints.accepted("{\"jobs\":[]}")).hasMessageContaining("without batchId");
    }

    @Test
    void pathsAndStatus() {
        assertThat(BatchEndpoints.waitPath(BATCH, Duration.ofSeconds(30)))
                .isEqualTo("/api/v1/batches/" + BATCH + "?wait=PT30S");
        assertThat(BatchEndpoints.pagePath(BATCH, 500, null)).isEqualTo("/api/v1/batches/" + BATCH + "/jobs?limit=500");
        assertThat(BatchEndpoints.pagePath(BATCH, 2, A))
                .isEqualTo("/api/v1/batches/" + BATCH + "/jobs?limit=2&after=" + A);
        assertThat(BatchEndpoints.done("{\"id\":\"" + BATCH + "\",\"size\":2,\"status\":\"DONE\"}")).isTrue();
        assertThat(BatchEndpoints.done("{\"status\":\"RUNNING\"}")).isFalse();
        assertThat(BatchEndpoints.done("{}")).isFalse();
    }

    @Test
    void readsAPageAndItsCursor() {
        BatchEndpoints.Page page = BatchEndpoints.page("{\"jobs\":[" + job(A, "SUCCEEDED", 0) + "],\"next\":\"" + A
                + "\"}");
        assertThat(page.jobs()).hasSize(1);
        assertThat(page.next()).isEqualTo(A);
        assertThat(BatchEndpoints.page("{\"jobs\":[],\"next\":null}").next()).isNull();
        assertThat(BatchEndpoints.page("{\"jobs\":[]}").next()).isNull();
        assertThatThrownBy(() -> BatchEndpoints.page("{\"status\":404}")).hasMessageContaining("without jobs");
    }

    @Test
    void pagesFromTheFirstPageToTheOneWithoutNext() throws Exception {
        Map<String, String> answers = Map.of(
                BatchEndpoints.pagePath(BATCH, 2, null), "{\"jobs\":[" + job(A, "SUCCEEDED", 0) + ","
                        + job(B, "SUCCEEDED", 1) + "],\"next\":\"" + B + "\"}",
                BatchEndpoints.pagePath(BATCH, 2, B), "{\"jobs\":[" + job(C, "SUCCEEDED", 2) + "],\"next\":null}");
        List<String> asked = new ArrayList<>();
        List<JsonNode> read = new ArrayList<>();
        int pages = ClientWorkload.readPages(BATCH, 2, path -> {
            asked.add(path);
            return answers.get(path);
        }, read::add);
        assertThat(pages).isEqualTo(2);
        assertThat(asked).containsExactly(BatchEndpoints.pagePath(BATCH, 2, null),
                BatchEndpoints.pagePath(BATCH, 2, B));
        assertThat(read).extracting(j -> j.path("id").asString()).containsExactly(A, B, C);
    }

    @Test
    void longPollsUntilTheBatchIsDone() throws Exception {
        Iterator<String> answers = List.of("{\"status\":\"RUNNING\"}", "{\"status\":\"RUNNING\"}",
                "{\"status\":\"DONE\"}").iterator();
        List<String> asked = new ArrayList<>();
        long later = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        assertThat(ClientWorkload.awaitDone(BATCH, path -> {
            asked.add(path);
            return answers.next();
        }, later)).isEqualTo(3);
        assertThat(asked).containsOnly(BatchEndpoints.waitPath(BATCH, Duration.ofSeconds(30)));
    }

    @Test
    void givesUpOnABatchNotDoneByTheDeadline() {
        long past = System.nanoTime() - 1;
        assertThatThrownBy(() -> ClientWorkload.awaitDone(BATCH, path -> "{\"status\":\"RUNNING\"}", past))
                .hasMessageContaining("not DONE after 1 waits");
    }

    @Test
    void theLedgerCountsEveryJobReadOnceWithItsResult() {
        ResultLedger ledger = new ResultLedger();
        ledger.expect(A, Json.tree(LoadGenerator.echoPayload("r1", 0)));
        ledger.expect(B, Json.tree(LoadGenerator.echoPayload("r1", 1)));
        ledger.read(Json.tree(job(A, "SUCCEEDED", 0)));
        ledger.read(Json.tree(job(B, "SUCCEEDED", 1)));
        assertThat(ledger.tally()).isEqualTo(new ResultLedger.Tally(2, 2, 2, 2, 0, 0));
        assertThat(ledger.tally().duplicates()).isZero();
    }

    @Test
    void theLedgerSeesAWrongResultADuplicateAFailureAndAStranger() {
        ResultLedger ledger = new ResultLedger();
        ledger.expect(A, Json.tree(LoadGenerator.echoPayload("r1", 0)));
        ledger.expect(B, Json.tree(LoadGenerator.echoPayload("r1", 1)));
        ledger.read(Json.tree(job(A, "SUCCEEDED", 7))); // another job's result
        ledger.read(Json.tree(job(A, "SUCCEEDED", 0)));
        ledger.read(Json.tree("{\"id\":\"" + B + "\",\"status\":\"FAILED\",\"result\":null}"));
        ledger.read(Json.tree(job(C, "SUCCEEDED", 2)));
        ResultLedger.Tally tally = ledger.tally();
        assertThat(tally).isEqualTo(new ResultLedger.Tally(4, 2, 2, 1, 1, 1));
        assertThat(tally.duplicates()).isEqualTo(1);
    }

    @Test
    void theClientWorkload() {
        Workload client = Workload.client("round1", 5000);
        assertThat(client.kind()).isEqualTo("client");
        assertThat(client.batchSize()).isEqualTo(500);
        assertThat(client.clients()).isEqualTo(4);
        assertThat(LoadGenerator.batchBody("r1", "echo", 3, 5, 0)).isEqualTo("{\"jobs\":[{\"type\":\"echo\","
                + "\"payload\":{\"n\":3,\"run\":\"r1\"}},{\"type\":\"echo\",\"payload\":{\"n\":4,\"run\":\"r1\"}}]}");
    }
}
