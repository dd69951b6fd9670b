package chatapi.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import chatapi.support.LogCapture;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * R4: a corpus of generated hostile requests, sent as raw bytes over real sockets. Every one is
 * answered with a status below 500 or closed, within its time limit, and the server serves normal
 * requests afterwards.
 */
@DisplayName("Reliability: bad input")
class BadInputTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    /**
     * Short read and idle timeouts (1 s, 2 s), so that slow, partial and idle connections are cut quickly here;
     * the shipped login throttling, behind a trusted proxy at 127.0.0.1, so that a legitimate agent can come
     * from an address of its own.
     */
    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB, json -> json.put("httpReadTimeoutSeconds", 1).put("httpIdleTimeoutSeconds", 2)
            .put("authMaxFailuresPerUserAndAddress", 5).put("authMaxFailuresPerAddress", 50)
            .put("trustedProxies", "127.0.0.1"));

    /** How long a request of the corpus may take to be answered or closed. */
    private static final int LIMIT_MS = 5_000;

    private record Case(String kind, byte[] bytes, boolean partial) {
        static Case of(String kind, String request) {
            return new Case(kind, request.getBytes(StandardCharsets.ISO_8859_1), false);
        }
    }

    private record Outcome(Case request, String result, long millis) {
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("1,000+ malformed, oversized, invalid and partial requests: no 5xx, no hang, normal requests served afterwards")
    void corpus() throws Exception {
        List<Case> corpus = corpus(app.agentAuthorization(), DB.newSession());
        assertTrue(corpus.size() >= 1_000, "corpus of " + corpus.size());
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Future<Outcome>> sent = new ArrayList<>();
        Map<String, Integer> results = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> errors;
        try (LogCapture log = LogCapture.root()) {
            for (Case c : corpus) {
                sent.add(senders.submit(() -> send(c)));
            }
            for (Future<Outcome> f : sent) {
                Outcome o = f.get();
                results.merge(o.result(), 1, Integer::sum);
                if (o.result().startsWith("5") || o.result().equals("hang") || o.result().startsWith("garbled")) {
                    failures.add(o.request().kind() + " -> " + o.result() + " after " + o.millis() + " ms: "
                            + printable(o.request().bytes()));
                }
            }
            errors = log.at(Level.ERROR).stream().distinct().limit(10).toList();
        }
        senders.shutdown();
        System.out.println("BadInputTest: " + corpus.size() + " requests, outcomes " + results);
        assertEquals(List.of(), failures.stream().limit(20).toList(), failures.size() + " bad outcomes of " + corpus.size());
        // Nothing a client sends is the server's error: no ERROR line (one per request, at the client's will, before).
        assertEquals(List.of(), errors, "logged at ERROR by the corpus");

        // Served normally afterwards, long-poll included, and the demo agent, guessed at by the corpus from
        // 127.0.0.1, still logs in from its own address.
        TestApp.Response login = app.request(io.vertx.core.http.HttpMethod.POST, "/api/v1/Authenticate", null,
                        "Authorization", "Basic dGplMDpUamUw", "X-Forwarded-For", "198.51.100.7")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, login.status(), "the agent is not locked out by the corpus: " + login.body());
        TestApp.Response ok = app.get("/api/v1/ChatSession/1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, ok.status());
        assertEquals(1, ok.json().getInteger("ChatSessionId"));
        TestApp.Response poll = app.get("/api/v1/ChatSession/1/Messages?after=0&wait=1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, poll.status());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @DisplayName("a poll parked longer than the read and idle timeouts is answered, not cut; an idle keep-alive connection is closed")
    void timeoutsSpareParkedPolls() throws Exception {
        long started = System.nanoTime();
        TestApp.Response parked = app.get("/api/v1/ChatSession/1/Messages?after=2000000000&wait=4")
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        long parkedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(200, parked.status());
        assertEquals("[]", parked.body().toString());
        assertTrue(parkedMs >= 3_500, "answered by its own timeout, after " + parkedMs + " ms");

        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertEquals("200", readStatus(in));
            long idleFrom = System.nanoTime();
            byte[] rest = in.readAllBytes(); // the rest of the response, then the end of the stream when closed
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);
            assertTrue(new String(rest, StandardCharsets.ISO_8859_1).contains("UP"));
            assertTrue(idleMs >= 1_000 && idleMs < 6_000, "closed after " + idleMs + " ms idle");
        }
    }

    /** Sends the bytes and reads one response: its status, "closed" (no answer, connection closed), or "hang". */
    private static Outcome send(Case c) {
        long started = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(LIMIT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(c.bytes());
                out.flush();
            } catch (IOException e) {
                return outcome(c, "closed", started); // the server cut the connection while we wrote
            }
            return outcome(c, readStatus(socket.getInputStream()), started);
        } catch (SocketTimeoutException e) {
            return outcome(c, "hang", started);
        } catch (IOException e) {
            return outcome(c, "closed", started);
        }
    }

    private static Outcome outcome(Case c, String result, long started) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return new Outcome(c, ms > LIMIT_MS ? "hang" : result, ms);
    }

    /** The status code of the first response, "closed" when the connection ends first, "garbled" for a non-HTTP answer. */
    private static String readStatus(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        String status = line.toString(StandardCharsets.ISO_8859_1).trim();
        if (status.isEmpty()) {
            return "closed";
        }
        if (!status.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
            return "garbled " + printable(status.getBytes(StandardCharsets.ISO_8859_1));
        }
        return status.substring(9, 12);
    }

    // --- the corpus ---------------------------------------------------------------------------------------

    static List<Case> corpus(String authorization, int victim) {
        String auth = "Authorization: " + authorization + "\r\n";
        List<Case> cases = new ArrayList<>();
        String[] paths = {"/", "//", "/api", "/api/v1", "/api/v1/", "/api/v1/ChatSession", "/api/v1/ChatSession/",
            "/api/v1/ChatSession//Messages", "/api/v1/ChatSession/1/", "/api/v1/ChatSession/1/Messages/",
            "/api/v1/ChatSession/1/../../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api/v1/ChatSession/%00",
            "/api/v1/ChatSession/1%00", "/api/v1/ChatSession/%zz", "/api/v1/ChatSession/%", "/api/v1/ChatSession/%c0%af",
            "/api/v1/ChatSession/%ff%fe", "/api/v1/ChatSession/\u00e9", "/api/v1/ChatSession/1;jsessionid=x",
            "/api/v1/ChatSession/1#frag", "/api/v1/ChatSession/1?", "/api/v1/ChatSession/1??", "/api/v1/ChatSession/1?&&&",
            "/API/V1/CHATSESSION/1", "/api/v1/ChatSession/1/Messages/1", "/api/v1/Authenticate/x", "/health/../api/v1/ChatSession/1",
            "*", "http://127.0.0.1/api/v1/ChatSession/1", "http://evil.example/api/v1/ChatSession/1",
            "/api/v1/ChatSession/" + "9".repeat(100), "/" + "a".repeat(9000), "/api/v1/" + "x/".repeat(2000),
            "/metrics/../../x", "/api/v1/openapi.json/../ChatSession/1", "/api/v1/ChatSession/1 /x", "/\t/", "/%20"};
        String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT", "FOO", "get"};
        for (String path : paths) {
            for (String method : methods) {
                // DELETE is a real operation now: its many path forms aim at a session of their own, not at session 1
                String target = method.equals("DELETE") ? path.replace("ChatSession/1", "ChatSession/" + victim) : path;
                cases.add(Case.of("path", method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
            }
        }
        String[] ids = {"-1", "0", "2147483647", "2147483648", "-2147483649", "1e3", "0x10", "1.0", "abc", "%20", "+1",
            "01", "1_000", "\u0661", "NaN", "null", "true", "[1]", "{}", "1,2", "1%2C2", "%2F", "9".repeat(40), "1 1"};
        for (String id : ids) {
            for (String tail : new String[] {"", "/Messages", "/Messages?after=0&wait=0"}) {
                for (String method : new String[] {"GET", "POST"}) {
                    cases.add(Case.of("id", method + " /api/v1/ChatSession/" + id.replace(" ", "%20") + tail
                            + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 2\r\n"
                            + "Connection: close\r\n\r\n{}"));
                }
            }
        }
        String[] queries = {"after=abc", "after=-1", "after=2147483648", "after=", "after", "after=1&after=2",
            "after=1e9", "after=0x1", "after=%00", "after=1%20", "wait=-1", "wait=121", "wait=abc", "wait=1e2",
            "after=0&wait=0&wait=1", "$select=", "$select=,,,", "$select=Nope", "$select=%00", "$select=" + "a,".repeat(500),
            "$select=ChatSessionId&$select=Person", "%=%", "&=&", "==", "a=%zz", "a=%", "a=" + "x".repeat(7000),
            "after=0&wait=0&" + "p=1&".repeat(1000), "after=\u00e9&wait=0", "after=0;wait=0", "after=0&wait=0#x"};
        for (String q : queries) {
            for (String path : new String[] {"/api/v1/ChatSession/1", "/api/v1/ChatSession/1/Messages"}) {
                // wait=0 everywhere the query allows it, so that nothing legitimately parks
                String query = path.endsWith("Messages") && !q.contains("wait") ? q + "&wait=0" : q;
                cases.add(Case.of("query", "GET " + path + "?" + query + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Connection: close\r\n\r\n"));
            }
        }
        String get = "GET /api/v1/ChatSession/1 HTTP/1.1\r\nHost: x\r\n";
        List<String> headerCases = List.of(
                get + auth + "X-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
                get + auth + "X-Many: 1\r\n".repeat(2_000) + "Connection: close\r\n\r\n",
                get + auth + auth + "Connection: close\r\n\r\n",
                get + auth + "Authorization: Basic dGplMDpUamUw\r\nConnection: close\r\n\r\n",
                get + "Authorization: " + "Bearer " + "x".repeat(15_000) + "\r\nConnection: close\r\n\r\n",
                get + "Authorization: Bearer a.b.c\r\nConnection: close\r\n\r\n",
                get + "Authorization: Bearer ....\r\nConnection: close\r\n\r\n",
                get + "Authorization: Basic\r\nConnection: close\r\n\r\n",
                get + "Authorization: Basic =====\r\nConnection: close\r\n\r\n",
                get + "Authorization: SOTicket \r\nConnection: close\r\n\r\n",
                get + "Authorization: \u00ff\u00fe\r\nConnection: close\r\n\r\n",
                get + auth + "Accept: \u0000\r\nConnection: close\r\n\r\n",
                get + auth + "Accept: ;;;,,,q=abc\r\nConnection: close\r\n\r\n",
                get + auth + "Accept: application/xml;q=2, */*;q=-1\r\nConnection: close\r\n\r\n",
                get + auth + "Accept-Language: " + "x-".repeat(2_000) + "\r\nConnection: close\r\n\r\n",
                get + auth + "Accept-Language: *;q=NaN\r\nConnection: close\r\n\r\n",
                get + auth + "SO-TimeZone: ../../etc/localtime\r\nConnection: close\r\n\r\n",
                get + auth + "SO-TimeZone: " + "Z".repeat(5_000) + "\r\nConnection: close\r\n\r\n",
                get + auth + "SO-AppToken: \u0001\u0002\r\nConnection: close\r\n\r\n",
                get + auth + "Cookie: " + "a=b; ".repeat(2_000) + "\r\nConnection: close\r\n\r\n",
                get + auth + "Cookie: XSRF-TOKEN\r\nX-XSRF-TOKEN: \r\nConnection: close\r\n\r\n",
                get + auth + "No colon here\r\nConnection: close\r\n\r\n",
                get + auth + ": empty name\r\nConnection: close\r\n\r\n",
                get + auth + " leading: space\r\nConnection: close\r\n\r\n",
                get + auth + "Content-Length: -1\r\nConnection: close\r\n\r\n",
                get + auth + "Content-Length: abc\r\nConnection: close\r\n\r\n",
                get + auth + "Content-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab",
                get + auth + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\n0\r\n\r\n",
                get + auth + "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n",
                get + auth + "Expect: 100-continue\r\nConnection: close\r\n\r\n",
                get + auth + "Host: a\r\nHost: b\r\nConnection: close\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTTP/1.0\r\n" + auth + "\r\n",
                "GET /api/v1/ChatSession/1\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTTP/1.1 extra\r\n\r\n",
                "GET  /api/v1/ChatSession/1  HTTP/1.1\r\nHost: x\r\n\r\n",
                "\r\n\r\n\r\nGET /api/v1/ChatSession/1 HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTTPS/1.1\r\nHost: x\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTtP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/v1/ChatSession/1 HTTP/2.0\r\nHost: x\r\n\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
                "\u0000".repeat(100),
                "x".repeat(10_000) + "\r\n\r\n",
                "GET " + "/a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        headerCases.forEach(h -> cases.add(Case.of("header", h)));
        // Password guessing at the demo agent and at made-up names, as a fuzzer (or an attacker) sends it.
        for (int i = 0; i < 60; i++) {
            String user = i % 2 == 0 ? "tje0" : "fuzz" + i;
            String basic = java.util.Base64.getEncoder().encodeToString((user + ":guess" + i).getBytes(StandardCharsets.UTF_8));
            cases.add(Case.of("guess", "POST /api/v1/Authenticate HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basic
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        }

        String[] bodies = {"", "{", "}", "[", "null", "true", "1", "\"x\"", "[]", "{}", "{\"Message\":}", "{\"Message\":1}",
            "{\"Message\":null}", "{\"Message\":\"\"}", "{\"Message\":[\"x\"]}", "{\"Message\":{\"a\":1}}",
            "{\"Message\":\"x\",\"Type\":\"Nope\"}", "{\"Message\":\"x\",\"Type\":7}", "{\"Message\":\"x\",\"Author\":{}}",
            "{\"Message\":\"x\",\"SpecialType\":\"\"}", "{\"Message\":\"x\",\"ReadByCustomer\":\"yes\"}",
            "{\"Message\":\"x\",}", "{'Message':'x'}", "{\"Message\":\"x\" \"Type\":\"ToUser\"}", "{\"Message\":\"\\u00\"}",
            "{\"Message\":\"\\ud800\"}", "{\"Message\":\"x\"}garbage", "{\"Message\":\"x\"}{\"Message\":\"y\"}",
            "{\"TopicId\":\"abc\"}", "{\"TopicId\":99999999999}", "{\"TopicId\":-1}", "{\"TopicId\":1.5}",
            "[".repeat(10_000) + "]".repeat(10_000), "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000),
            "{\"Message\":\"" + "x".repeat(70_000) + "\"}", "\u00ef\u00bb\u00bf{\"Message\":\"bom\"}"};
        String[] posts = {"/api/v1/ChatSession/1/Messages", "/api/v1/ChatSession", "/api/v1/Authenticate"};
        String[] contentTypes = {"application/json", "application/json; charset=utf-8", "text/plain", "application/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""};
        for (String body : bodies) {
            for (String post : posts) {
                String type = contentTypes[Math.floorMod(body.hashCode() + post.hashCode(), contentTypes.length)];
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                cases.add(new Case("body", concat(("POST " + post + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + (type.isEmpty() ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), bytes), false));
            }
        }
        for (String type : contentTypes) {
            cases.add(Case.of("content-type", "POST /api/v1/ChatSession/1/Messages HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Type: " + type + "\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"Message\":\"x\"}"));
        }
        byte[][] invalidUtf8 = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
        for (byte[] bad : invalidUtf8) {
            byte[] body = concat("{\"Message\":\"".getBytes(StandardCharsets.UTF_8), bad, "\"}".getBytes(StandardCharsets.UTF_8));
            cases.add(new Case("utf-8", concat(("POST /api/v1/ChatSession/1/Messages HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1), body), false));
            byte[] header = concat("GET /api/v1/ChatSession/1 HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    auth.getBytes(StandardCharsets.ISO_8859_1), "SO-TimeZone: ".getBytes(StandardCharsets.ISO_8859_1), bad,
                    "\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            cases.add(new Case("utf-8", header, false));
        }
        // Partial requests: headers or body never finished. The server must close them (read timeout).
        for (int i = 0; i < 10; i++) {
            cases.add(new Case("partial", ("GET /api/v1/ChatSession/1 HTTP/1.1\r\nHost: x\r\nX-Slow-" + i + ": ")
                    .getBytes(StandardCharsets.ISO_8859_1), true));
            cases.add(new Case("partial", ("POST /api/v1/ChatSession/1/Messages HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"Message\":\"" + i)
                    .getBytes(StandardCharsets.ISO_8859_1), true));
            cases.add(new Case("partial", "GET /api/v1/Chat".getBytes(StandardCharsets.ISO_8859_1), true));
        }
        // Random mutations of valid requests that do not park (flipped, inserted, deleted, truncated bytes).
        String[] valid = {
            "GET /api/v1/ChatSession/1 HTTP/1.1\r\nHost: x\r\n" + auth + "Accept: application/json\r\nConnection: close\r\n\r\n",
            "GET /api/v1/ChatSession/1/Messages?after=0&wait=0 HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n",
            "POST /api/v1/ChatSession/1/Messages HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"Message\":\"m\"}"};
        Random random = new Random(20261125);
        for (int i = 0; i < 600; i++) {
            byte[] bytes = valid[i % valid.length].getBytes(StandardCharsets.ISO_8859_1);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                bytes = mutate(bytes, random);
            }
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            // Only what cannot legitimately park: a long-poll mutated into another wait would be a real wait.
            if (!text.contains("Messages?") || java.util.regex.Pattern.compile("[?&]wait=0(?![0-9])").matcher(text).find()) {
                cases.add(new Case("mutated", bytes, false));
            }
        }
        return cases;
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(4)) {
            case 0 -> { // flip a byte
                byte[] copy = bytes.clone();
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 1 -> concat(java.util.Arrays.copyOf(bytes, at), new byte[] {(byte) random.nextInt(256)},
                    java.util.Arrays.copyOfRange(bytes, at, bytes.length)); // insert one
            case 2 -> concat(java.util.Arrays.copyOf(bytes, at), java.util.Arrays.copyOfRange(bytes, at + 1, bytes.length));
            default -> { // repeat a slice
                int length = Math.min(bytes.length - at, 1 + random.nextInt(20));
                byte[] slice = java.util.Arrays.copyOfRange(bytes, at, at + length);
                yield concat(java.util.Arrays.copyOf(bytes, at), slice, java.util.Arrays.copyOfRange(bytes, at, bytes.length));
            }
        };
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 160); i++) {
            int b = bytes[i] & 0xff;
            text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return bytes.length > 160 ? text + "…(" + bytes.length + " bytes)" : text.toString();
    }
}
