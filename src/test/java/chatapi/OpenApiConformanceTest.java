package chatapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.fge.jackson.JsonLoader;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchemaFactory;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document against a standard parser, and the running server against the document: a sweep over every
 * operation (its happy path and the documented 4xx that one request can provoke) through real HTTP, each
 * request/response pair validated by Atlassian's swagger-request-validator (status documented, content type,
 * required properties, types, enums). JSON answers; the XML representation is not described by JSON schemas.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The OpenAPI document: valid, and every answer of a sweep over the operations conforms to it")
class OpenApiConformanceTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    private static final String SPEC = read();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("tje0:Tje0".getBytes());
    private static final String JSON = "application/json";
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForInlineApiSpecification(SPEC)
            .withLevelResolver(LevelResolver.create()
                    // 401s are asked for without credentials on purpose.
                    .withLevel("validation.request.security.missing", ValidationReport.Level.IGNORE)
                    .build())
            .build();

    private static String read() {
        try {
            return Files.readString(Path.of("src/main/resources/" + ApiVerticle.OPENAPI));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("the document is valid against the OpenAPI 3.0 JSON Schema")
    void documentMatchesTheSpecificationSchema() throws Exception {
        JsonNode schema = JsonLoader.fromPath("src/test/resources/openapi/oas-3.0-schema.json");
        // Its id is a URL; without it, the validator resolves the schema's own #/definitions/... in the file, offline.
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema).remove("id");
        ProcessingReport report = JsonSchemaFactory.byDefault().getJsonSchema(schema).validate(JsonLoader.fromString(SPEC));
        List<String> problems = new ArrayList<>();
        report.forEach(m -> problems.add(m.getLogLevel() + " " + m.asJson().path("instance").path("pointer").asText()
                + ": " + m.getMessage()));
        assertEquals(List.of(), problems);
        assertTrue(report.isSuccess());
    }

    @Test
    @DisplayName("swagger-parser reads the document without an error or a warning")
    void documentIsValid() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(SPEC, null, options);
        assertEquals(List.of(), result.getMessages());
        assertTrue(result.getOpenAPI() != null && !result.getOpenAPI().getPaths().isEmpty());
    }

    /** One request of the sweep, with the status it must get; {@code checkRequest} false for requests meant to be bad. */
    private record Exchange(String method, String uri, String body, String contentType, int status,
            boolean checkRequest, String... headers) {
    }

    private static Exchange ok(String method, String uri, String body, int status, String... headers) {
        return new Exchange(method, uri, body, body == null ? null : JSON, status, true, headers);
    }

    private static Exchange bad(String method, String uri, String body, int status, String... headers) {
        return new Exchange(method, uri, body, body == null ? null : JSON, status, false, headers);
    }

    @Test
    @DisplayName("health, metrics, the document, Authenticate, ChatSession (list, create, default, ForCurrentUser, one session, lifecycle), Messages, the Agents API and a topic's sessions")
    void sweep(VertxTestContext ctx) {
        String tje0 = "Bearer " + app.tokens().sign("agent", null, "tje0", 3600);
        String ann1 = "Bearer " + app.tokens().sign("agent", null, "ann1", 3600);
        String customer = app.customerAuthorization(2);
        String entity = "{\"TopicId\":1,\"CustomerName\":\"Conformance\",\"CustomerAlias\":\"c\"}";
        String big = "{\"Message\":\"" + "x".repeat(70_000) + "\"}";
        List<Exchange> first = List.of(
                ok("GET", "/", null, 200, "Authorization", null),
                ok("GET", "/health/live", null, 200, "Authorization", null),
                ok("GET", "/health/ready", null, 200, "Authorization", null),
                ok("GET", "/metrics", null, 200, "Authorization", null, "Accept", "text/plain"),
                ok("GET", "/api/v1/openapi.json", null, 200, "Authorization", null),
                ok("POST", "/api/v1/Authenticate", null, 200, "Authorization", BASIC),
                bad("POST", "/api/v1/Authenticate", null, 401, "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString("tje0:wrong".getBytes())),
                ok("GET", "/api/v1/ChatSession?$top=1&$orderBy=ChatSessionId", null, 200),
                bad("GET", "/api/v1/ChatSession?$filter=Nope%20eq%201", null, 400),
                bad("GET", "/api/v1/ChatSession", null, 401, "Authorization", null),
                bad("GET", "/api/v1/ChatSession", null, 403, "Authorization", customer),
                ok("POST", "/api/v1/ChatSession", entity, 200),
                bad("POST", "/api/v1/ChatSession", "{\"TopicId\":", 400),
                new Exchange("POST", "/api/v1/ChatSession", "TopicId=1", "text/plain", 415, false),
                bad("POST", "/api/v1/ChatSession", big, 413),
                ok("GET", "/api/v1/ChatSession/default", null, 200),
                ok("GET", "/api/v1/ChatSession/ForCurrentUser", null, 200, "Authorization", tje0),
                ok("GET", "/api/v1/ChatSession/1", null, 200),
                bad("GET", "/api/v1/ChatSession/abc", null, 400),
                bad("GET", "/api/v1/ChatSession/99999", null, 404),
                bad("GET", "/api/v1/ChatSession/1", null, 406, "Accept", "text/html"),
                ok("GET", "/api/v1/ChatSession/1/Messages?after=0&wait=0", null, 200),
                ok("GET", "/api/v1/ChatSession/2/Messages?after=0&wait=0", null, 200, "Authorization", customer),
                bad("GET", "/api/v1/ChatSession/1/Messages?after=0", null, 403, "Authorization", customer),
                bad("GET", "/api/v1/ChatSession/99999/Messages?wait=0", null, 404),
                bad("GET", "/api/v1/ChatSession/1/Messages?after=-1", null, 400),
                ok("POST", "/api/v1/ChatSession/2/Messages", "{\"Message\":\"Hello from the sweep\"}", 200,
                        "Authorization", customer),
                bad("POST", "/api/v1/ChatSession/2/Messages", "{\"Message\":\"x\",\"Type\":\"Special\"}", 403,
                        "Authorization", customer),
                bad("POST", "/api/v1/ChatSession/99999/Messages", "{\"Message\":\"x\"}", 404),
                bad("POST", "/api/v1/ChatSession/1/Messages", "{\"Message\":17}", 400),
                ok("POST", "/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=1", null, 200),
                bad("POST", "/api/v1/Agents/Chat/GetChatSessionEntity", null, 400),
                ok("POST", "/api/v1/Agents/Chat/GetChatMessages", "{\"ChatSessionId\":1,\"After\":0}", 200),
                bad("POST", "/api/v1/Agents/Chat/GetChatMessages", "{\"After\":0}", 400),
                ok("POST", "/api/v1/Agents/Chat/AddChatMessage",
                        "{\"ChatSessionId\":1,\"Message\":{\"Message\":\"From the Agents API\",\"Type\":\"ToCustomer\"}}", 200),
                ok("POST", "/api/v1/Agents/Chat/CreateDefaultChatSessionEntity", null, 200),
                ok("POST", "/api/v1/Agents/Chat/SaveChatSessionEntity", "{\"ChatSessionId\":0,\"TopicId\":2}", 200),
                bad("POST", "/api/v1/Agents/Chat/SaveChatSessionEntity", "{\"ChatSessionId\":0,\"TopicId\":99}", 400),
                ok("POST", "/api/v1/Agents/Chat/ChatSessionsForUser", null, 200, "Authorization", tje0),
                bad("POST", "/api/v1/Agents/Chat/ChatSessionsForUser", null, 403, "Authorization", customer),
                ok("POST", "/api/v1/Agents/Chat/DeleteChatSessionEntity?chatSessionEntityId=99999", null, 200),
                ok("POST", "/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId=99999", null, 200),
                ok("POST", "/api/v1/Agents/Chat/GetChatMessages", "{\"ChatSessionId\":99999}", 200),
                ok("POST", "/api/v1/Agents/Chat/AddChatMessage", "{\"ChatSessionId\":99999,\"Message\":{\"Message\":\"x\"}}", 200),
                ok("POST", "/api/v1/Agents/Chat/SaveChatSessionEntity", "{\"ChatSessionId\":99999,\"TopicId\":1}", 200),
                ok("GET", "/api/v1/ChatTopic/1/Sessions", null, 200),
                bad("GET", "/api/v1/ChatTopic/99/Sessions", null, 404),
                ok("POST", "/api/v1/ChatTopic/1/Sessions", "{\"CustomerName\":\"Topic\"}", 200));
        // The database is read off the event loop (JDBC blocks).
        run(first).compose(failures -> app.vertx().executeBlocking(() -> List.of(
                DB.value("SELECT max(chat_session_id) FROM chat_session"),
                DB.value("SELECT chat_session_id FROM chat_session WHERE customer_name = 'Conformance'")))
                .compose(ids -> {
            int created = Integer.parseInt(ids.get(0));
            String one = "/api/v1/ChatSession/" + created;
            String patch = "[{\"op\":\"replace\",\"path\":\"/CustomerName\",\"value\":\"Patched\"}]";
            List<Exchange> second = List.of(
                    ok("PUT", one, "{\"TopicId\":1,\"CustomerName\":\"Put\"}", 200),
                    bad("PUT", "/api/v1/ChatSession/99999", "{\"TopicId\":1}", 404),
                    new Exchange("PATCH", one, patch, "application/json-patch+json", 200, true),
                    new Exchange("PATCH", one, "[{\"op\":\"test\",\"path\":\"/CustomerName\",\"value\":\"Other\"}]",
                            "application/json-patch+json", 409, false),
                    new Exchange("PATCH", one, patch, "application/json-patch+json", 412, false,
                            "If-Unmodified-Since", "Tue, 10 Mar 2026 08:00:00 GMT"),
                    ok("POST", one + "/Pickup", null, 200, "Authorization", tje0),
                    bad("POST", one + "/Pickup", null, 409, "Authorization", tje0),
                    ok("POST", one + "/TransferTo/ann1", null, 200, "Authorization", tje0),
                    ok("POST", one + "/RejectTransfer", null, 200, "Authorization", ann1),
                    ok("POST", one + "/TransferTo/ann1", null, 200, "Authorization", tje0),
                    ok("POST", one + "/AcceptTransfer", null, 200, "Authorization", ann1),
                    bad("POST", one + "/AcceptTransfer", null, 409, "Authorization", ann1),
                    ok("POST", one + "/Reset", null, 200, "Authorization", ann1),
                    ok("POST", one + "/Transcript?html=true", null, 200, "Authorization", tje0),
                    bad("POST", "/api/v1/ChatSession/99999/Transcript", null, 404, "Authorization", tje0),
                    ok("POST", "/api/v1/ChatSession/Pickup", null, 200, "Authorization", tje0),
                    ok("DELETE", one, null, 204),
                    bad("DELETE", one, null, 404),
                    ok("POST", "/api/v1/Agents/Chat/DeleteChatSessionEntity?chatSessionEntityId=" + ids.get(1), null, 204));
            return run(second).map(more -> {
                List<String> all = new ArrayList<>(failures);
                all.addAll(more);
                return all;
            });
        })).onComplete(ctx.succeeding(failures -> ctx.verify(() -> {
            assertEquals(List.of(), failures, "exchanges that did not get their status or do not conform");
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("every operation documenting 401 answers it without credentials, and 403 to another session's customer")
    void strangersAreRefusedEverywhere(VertxTestContext ctx) {
        String customer = app.customerAuthorization(2);
        List<Exchange> exchanges = new ArrayList<>();
        io.vertx.core.json.JsonObject paths = new io.vertx.core.json.JsonObject(SPEC).getJsonObject("paths");
        paths.fieldNames().forEach(path -> paths.getJsonObject(path).forEach(operation -> {
            String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
            io.vertx.core.json.JsonObject responses = ((io.vertx.core.json.JsonObject) operation.getValue())
                    .getJsonObject("responses");
            // Session 1 is not the customer's (theirs is 2); an agent's id for a transfer.
            String uri = path.replace("{id}", "1").replace("{associate}", "ann1");
            String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
            if (responses.containsKey("401") && !path.equals("/api/v1/Authenticate")) {
                exchanges.add(bad(method, uri, body, 401, "Authorization", null));
            }
            if (responses.containsKey("403")) {
                exchanges.add(bad(method, uri, body, 403, "Authorization", customer));
            }
        }));
        assertTrue(exchanges.size() > 40, "the document's operations, " + exchanges.size() + " exchanges");
        run(exchanges).onComplete(ctx.succeeding(failures -> ctx.verify(() -> {
            assertEquals(List.of(), failures, "exchanges that did not get their status or do not conform");
            ctx.completeNow();
        })));
    }

    /** Runs the exchanges one after another; the problems found, one line each. */
    private static Future<List<String>> run(List<Exchange> exchanges) {
        List<String> failures = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Exchange exchange : exchanges) {
            chain = chain.compose(v -> send(exchange).map(response -> {
                check(exchange, response, failures);
                return null;
            }));
        }
        return chain.map(v -> failures);
    }

    private static Future<TestApp.Response> send(Exchange e) {
        List<String> headers = new ArrayList<>(Arrays.asList(e.headers()));
        if (!Arrays.asList(e.headers()).contains("Accept")) {
            headers.addAll(List.of("Accept", JSON));
        }
        if (e.contentType() != null) {
            headers.addAll(List.of("Content-Type", e.contentType()));
        }
        return app.request(HttpMethod.valueOf(e.method()), e.uri(), e.body() == null ? null : Buffer.buffer(e.body()),
                headers.toArray(String[]::new));
    }

    private static void check(Exchange e, TestApp.Response response, List<String> failures) {
        String what = e.method() + " " + e.uri() + (e.body() == null || e.body().length() > 200 ? "" : " " + e.body());
        if (response.status() != e.status()) {
            failures.add(what + ": status " + response.status() + ", expected " + e.status() + ": "
                    + response.body().toString().substring(0, Math.min(200, response.body().length())));
            return;
        }
        String path = e.uri().contains("?") ? e.uri().substring(0, e.uri().indexOf('?')) : e.uri();
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.status())
                .withBody(response.body().toString(StandardCharsets.UTF_8));
        response.headers().forEach(h -> answer.withHeader(h.getKey(), h.getValue()));
        ValidationReport report;
        if (e.checkRequest()) {
            SimpleRequest.Builder request = new SimpleRequest.Builder(e.method(), path);
            if (e.uri().contains("?")) {
                for (String pair : e.uri().substring(e.uri().indexOf('?') + 1).split("&")) {
                    String[] kv = pair.split("=", 2);
                    request.withQueryParam(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
                }
            }
            for (int i = 0; i + 1 < e.headers().length; i += 2) {
                if (e.headers()[i + 1] != null) {
                    request.withHeader(e.headers()[i], e.headers()[i + 1]);
                }
            }
            if (!Arrays.asList(e.headers()).contains("Authorization")) {
                request.withHeader("Authorization", app.agentAuthorization());
            }
            if (!Arrays.asList(e.headers()).contains("Accept")) {
                request.withHeader("Accept", JSON);
            }
            if (e.body() != null) {
                request.withBody(e.body()).withContentType(e.contentType());
            }
            report = VALIDATOR.validate(request.build(), answer.build());
        } else {
            report = VALIDATOR.validateResponse(path, Request.Method.valueOf(e.method()), answer.build());
        }
        report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR || m.getLevel() == ValidationReport.Level.WARN)
                .forEach(m -> failures.add(what + " -> " + response.status() + ": [" + m.getKey() + "] " + m.getMessage()));
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
