package chatapi.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestApp.Response;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("The ChatTopic resource: the entity, opening hours and the agents' roles, with their rights")
class ChatTopicApiTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    private static final String BASE = "/api/v1/ChatTopic";

    /** tje0 administers chat (demo data); ann1 only responds in Sales (topic 1). */
    private static String tje0() {
        return "Bearer " + app.tokens().sign("agent", null, "tje0", 600);
    }

    private static String ann1() {
        return "Bearer " + app.tokens().sign("agent", null, "ann1", 600);
    }

    private static Future<Response> send(HttpMethod method, String path, String json, String authorization,
            String contentType) {
        return app.request(method, path, json == null ? null : Buffer.buffer(json), "Authorization", authorization,
                "Content-Type", json == null ? null : contentType);
    }

    private static Future<Response> send(HttpMethod method, String path, String json, String authorization) {
        return send(method, path, json, authorization, "application/json");
    }

    /** A third agent, no administrator and no manager, for the managers' limits. */
    private static final String PER = "per3";

    @org.junit.jupiter.api.BeforeAll
    static void thirdAgent() {
        DB.execute("INSERT INTO associate (name, full_name) VALUES ('" + PER + "', 'Per Hansen') ON CONFLICT DO NOTHING");
    }

    @Test
    @DisplayName("hostile input: names that are no XML names, ranges that end before they start, NUL in a name, and many lookups by id then by name")
    void hostileInput(VertxTestContext ctx) {
        String path = BASE + "/1/UserAgent/";
        List<Future<Response>> byId = new java.util.ArrayList<>();
        Future<Response> chain = Future.succeededFuture();
        for (int i = 0; i < 7; i++) { // past PostgreSQL's switch to a generic plan for the prepared statement
            chain = chain.compose(v -> app.get(path + "2"));
        }
        chain.compose(v -> Future.all(List.of(app.get(path + "ann1"), app.get(path + "2147483648"), app.get(path + "a%00b"),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"Widget\":{\"AutoFaqCategory\":{\"x><evil/\":1}}}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"OpeningHours\":{\"MonStart\":\"17:00\",\"MonStop\":\"09:00\"}}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"OpeningHours\":{\"TzLocation\":{\"name\":7}}}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"Zoned\",\"OpeningHours\":{\"TzLocation\":{\"name\":\"NO\"}}}", tje0()),
                        app.get(BASE + "/UserAgents", "Accept", "application/xml"),
                        app.get(BASE + "/ForCurrentUser", "Accept", "application/xml", "Authorization", tje0()),
                        app.get("/api/v1/Presence/GetAll", "Accept", "application/xml"))))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(200, all.<Response>resultAt(0).status(), "by name after many by id");
                    assertEquals(404, all.<Response>resultAt(1).status(), "a number no associate has");
                    assertEquals(400, all.<Response>resultAt(2).status(), "NUL in a name");
                    assertEquals(400, all.<Response>resultAt(3).status(), "a key that is no XML name");
                    assertEquals(400, all.<Response>resultAt(4).status(), "Stop before Start");
                    assertEquals(400, all.<Response>resultAt(5).status(), "a zone name that is no text");
                    Response zoned = all.resultAt(6);
                    assertEquals(200, zoned.status(), zoned.body().toString());
                    assertEquals(new JsonObject().put("Name", "NO"),
                            zoned.json().getJsonObject("OpeningHours").getJsonObject("TzLocation"), "the key in its spelling");
                    String[] roots = {"<ArrayOfMDOListItem><MDOListItem>", "<ArrayOfChatTopicEntity><ChatTopicEntity>",
                            "<ArrayOfChatPresence><ChatPresence>"};
                    for (int i = 0; i < roots.length; i++) {
                        Response xml = all.resultAt(7 + i);
                        assertEquals(200, xml.status(), roots[i]);
                        assertTrue(xml.body().toString().startsWith(roots[i]), roots[i]);
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("the Agents API's topic calls: absent topics are null, missing arguments 400, the REST rights apply (ann1 may not save Sales)")
    void agentsCalls(VertxTestContext ctx) {
        String chat = "/api/v1/Agents/Chat/";
        Future.all(List.of(app.post(chat + "GetChatTopicEntity?chatTopicEntityId=424242", ""),
                        app.post(chat + "GetChatTopicEntity?ChatTopicEntityId=1", ""),
                        app.post(chat + "GetChatTopicUserAgentList", "{}"),
                        app.post(chat + "GetChatTopicUserAgent", "{\"ChatTopicId\":1}"),
                        app.post(chat + "SaveChatTopicEntity", "{\"ChatTopicId\":1,\"Name\":\"Mine\"}", "Authorization", ann1()),
                        app.post(chat + "SaveChatTopicEntity", "{\"ChatTopicId\":424242,\"Name\":\"Gone\"}", "Authorization", tje0()),
                        app.post(chat + "DeleteChatTopicEntity?ChatTopicEntityId=424242", "", "Authorization", tje0()),
                        app.post(chat + "IsWithinOpeningHours", "{\"chatTopicId\":1}"),
                        app.post(chat + "CreateChatSessionForTopic", "{\"ChatTopicId\":424242}"),
                        app.post(chat + "CreateChatSessionForTopic", "{\"ChatTopicId\":0}")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals("null", all.<Response>resultAt(0).body().toString());
                    JsonObject sales = all.<Response>resultAt(1).json();
                    assertEquals("Sales", sales.getString("Name"));
                    assertTrue(!sales.containsKey("_Links"), "the Agents API's carriers have no _Links");
                    assertEquals(400, all.<Response>resultAt(2).status(), "no ChatTopicId");
                    assertEquals(400, all.<Response>resultAt(3).status(), "no Username");
                    assertEquals(403, all.<Response>resultAt(4).status(), "ann1 does not manage Sales");
                    assertEquals("null", all.<Response>resultAt(5).body().toString());
                    assertEquals("null", all.<Response>resultAt(6).body().toString());
                    assertEquals("true", all.<Response>resultAt(7).body().toString());
                    assertEquals("null", all.<Response>resultAt(8).body().toString(), "no such topic");
                    assertEquals(400, all.<Response>resultAt(9).status());
                    assertEquals("Sales", DB.value("SELECT name FROM chat_topic WHERE topic_id = 1"));
                    ctx.completeNow();
                })));
    }

    private static int newTopic(String name) {
        return Integer.parseInt(DB.value("INSERT INTO chat_topic (name) VALUES ('" + name + "') RETURNING topic_id"));
    }

    @Test
    @DisplayName("GET default is an unsaved topic with every property of SuperOffice's ChatTopicEntity, in its order")
    void defaults(VertxTestContext ctx) {
        app.get(BASE + "/default").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
            assertEquals(200, r.status());
            JsonObject topic = r.json();
            assertEquals(List.of("ChatTopicId", "Name", "Description", "WelcomeMessage", "Language", "LastAccept",
                    "SecondsPrAccept", "AlertRecipient", "AlertTemplate", "CollectConsent", "BadgeHeader",
                    "CustomQueueTextEnabled", "CustomQueueText", "WarnNewChatMinutes", "WarnManagerNewChatMinutes",
                    "TicketEnabled", "TicketCategory", "TicketPriority", "OpeningHoursEnabled", "OpeningHours", "Widget",
                    "BotEnabled", "BotSettings", "OfflineCollectConsent", "WarnChatMessageMinutes",
                    "WarnManagerChatMessageMinutes", "UseQueueOfflineForm", "OfflineFormTimeLimit",
                    "OfflineFormQueueLength", "WidgetEnableRating", "WidgetRatingText", "TableRight", "FieldProperties"),
                    List.copyOf(topic.fieldNames()));
            assertEquals(0, topic.getInteger("ChatTopicId"));
            assertEquals("", topic.getString("Name"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("POST creates a topic (administrators only; 400 naming a bad property, nothing stored)")
    void create(VertxTestContext ctx) {
        String body = "{\"Name\":\"Returns\",\"WelcomeMessage\":\"Hi!\",\"WidgetEnableRating\":true,"
                + "\"Widget\":{\"OfflineMessage\":\"We are closed\",\"welcomeTitle\":\"Returns desk\"},"
                + "\"OpeningHoursEnabled\":true,\"OpeningHours\":{\"TzLocation\":{\"Name\":\"Europe/Oslo\"},"
                + "\"MonEnabled\":true,\"MonStart\":\"08:00\",\"MonStop\":\"16:00\"},\"ChatTopicId\":99,\"TableRight\":null}";
        String count = "SELECT count(*) FROM chat_topic";
        String before = DB.value(count);
        Future.all(List.of(send(HttpMethod.POST, BASE, body, ann1()),
                        send(HttpMethod.POST, BASE, body, app.customerAuthorization(1)),
                        send(HttpMethod.POST, BASE, "{\"Description\":\"no name\"}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"Widget\":{\"Colour\":\"red\"}}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"OpeningHours\":{\"MonStart\":\"25:00\"}}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"OpeningHours\":{\"TzLocation\":{\"Name\":\"Mars/Base\"}}}", tje0()),
                        send(HttpMethod.POST, BASE, "{\"Name\":\"x\",\"WarnNewChatMinutes\":\"5\"}", tje0())))
                .compose(refused -> {
                    ctx.verify(() -> {
                        assertEquals(403, refused.<Response>resultAt(0).status(), "an agent who is no administrator");
                        assertEquals(403, refused.<Response>resultAt(1).status(), "a customer");
                        String[] named = {"Name", "Widget/Colour", "OpeningHours/MonStart", "OpeningHours/TzLocation/Name",
                                "WarnNewChatMinutes"};
                        for (int i = 0; i < named.length; i++) {
                            Response r = refused.resultAt(i + 2);
                            assertEquals(400, r.status(), named[i]);
                            assertTrue(r.json().getString("ErrorMessage").contains(named[i]), r.json().encode());
                        }
                        assertEquals(before, DB.value(count), "nothing stored");
                    });
                    return send(HttpMethod.POST, BASE, body, tje0());
                })
                .onComplete(ctx.succeeding(created -> ctx.verify(() -> {
                    assertEquals(200, created.status(), created.body().toString());
                    JsonObject topic = created.json();
                    int id = topic.getInteger("ChatTopicId");
                    assertTrue(id > 2, "a new id, not the body's 99");
                    assertEquals("Returns", topic.getString("Name"));
                    assertEquals(new JsonObject().put("OfflineMessage", "We are closed").put("WelcomeTitle", "Returns desk"),
                            topic.getJsonObject("Widget"));
                    assertEquals("16:00", topic.getJsonObject("OpeningHours").getString("MonStop"));
                    assertEquals("FULL", topic.getJsonObject("TableRight").getString("Mask"));
                    assertTrue(topic.getJsonObject("_Links").getString("Self").endsWith(BASE + "/" + id));
                    assertEquals("Returns|Hi!|true", DB.value("SELECT name || '|' || welcome_message || '|' || widget_enable_rating"
                            + " FROM chat_topic WHERE topic_id = " + id));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("GET {id}: the whole topic for agents; for a session's customer the public part of its own topic only")
    void read(VertxTestContext ctx) {
        DB.execute("UPDATE chat_topic SET alert_recipient = 'boss@example.com', custom_queue_text = 'Hold on'"
                + " WHERE topic_id = 1");
        int inSales = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id) VALUES (1) RETURNING chat_session_id"));
        int inSupport = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id) VALUES (2) RETURNING chat_session_id"));
        Future.all(List.of(app.get(BASE + "/1", "Authorization", ann1()),
                        app.get(BASE + "/1", "Authorization", app.customerAuthorization(inSales)),
                        app.get(BASE + "/1", "Authorization", app.customerAuthorization(inSupport)),
                        app.get(BASE + "/424242"), app.get(BASE + "/1", "Authorization", tje0())))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    JsonObject agent = all.<Response>resultAt(0).json();
                    assertEquals("boss@example.com", agent.getString("AlertRecipient"));
                    assertEquals("Select", agent.getJsonObject("TableRight").getString("Mask"), "ann1 does not manage Sales");
                    Response customer = all.resultAt(1);
                    assertEquals(200, customer.status());
                    assertEquals("Sales", customer.json().getString("Name"));
                    assertEquals("Hold on", customer.json().getString("CustomQueueText"));
                    assertNull(customer.json().getValue("AlertRecipient"), "not the widget's business");
                    assertEquals(403, all.<Response>resultAt(2).status(), "another topic than its session's");
                    assertEquals(404, all.<Response>resultAt(3).status());
                    assertEquals("FULL", all.<Response>resultAt(4).json().getJsonObject("TableRight").getString("Mask"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("PUT and PATCH by the topic's managers (others 403); PATCH as merge patch and JSON Patch; read-only properties and failed tests refused")
    void change(VertxTestContext ctx) {
        int id = newTopic("Billing");
        DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_manage) VALUES (" + id + ", 2, true)");
        send(HttpMethod.PUT, BASE + "/" + id, "{\"Name\":\"Billing\",\"Description\":\"Invoices\"}", ann1())
                .compose(put -> {
                    ctx.verify(() -> {
                        assertEquals(200, put.status(), put.body().toString());
                        assertEquals("Invoices", put.json().getString("Description"));
                    });
                    return send(HttpMethod.PATCH, BASE + "/" + id, "{\"BadgeHeader\":\"Ask us\",\"Widget\":{\"Color\":\"#fff\"}}",
                            ann1(), "application/merge-patch+json");
                })
                .compose(merged -> {
                    ctx.verify(() -> {
                        assertEquals(200, merged.status(), merged.body().toString());
                        assertEquals("Ask us", merged.json().getString("BadgeHeader"));
                        assertEquals("Invoices", merged.json().getString("Description"), "untouched");
                    });
                    return send(HttpMethod.PATCH, BASE + "/" + id, "[{\"op\":\"replace\",\"path\":\"/description\","
                            + "\"value\":\"Bills\"},{\"op\":\"remove\",\"path\":\"Widget\"}]", ann1(), "application/json-patch+json");
                })
                .compose(patched -> {
                    ctx.verify(() -> {
                        assertEquals("Bills", patched.json().getString("Description"));
                        assertNull(patched.json().getValue("Widget"));
                    });
                    return Future.all(List.of(
                            send(HttpMethod.PATCH, BASE + "/1", "{\"Name\":\"Mine\"}", ann1(), "application/merge-patch+json"),
                            send(HttpMethod.PUT, BASE + "/" + id, "{\"Name\":\"x\"}", app.customerAuthorization(1)),
                            send(HttpMethod.PATCH, BASE + "/" + id, "{\"ChatTopicId\":7}", ann1(), "application/merge-patch+json"),
                            send(HttpMethod.PATCH, BASE + "/" + id, "[{\"op\":\"test\",\"path\":\"/Name\",\"value\":\"Other\"}]",
                                    ann1(), "application/json-patch+json"),
                            send(HttpMethod.PUT, BASE + "/424242", "{\"Name\":\"x\"}", tje0())));
                })
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(403, all.<Response>resultAt(0).status(), "ann1 does not manage Sales");
                    assertEquals(403, all.<Response>resultAt(1).status(), "a customer");
                    assertEquals(400, all.<Response>resultAt(2).status(), "the id is the server's");
                    assertEquals(409, all.<Response>resultAt(3).status(), "a failed test");
                    assertEquals(404, all.<Response>resultAt(4).status(), "an administrator, an absent topic");
                    assertEquals("Billing|Bills|Ask us", DB.value("SELECT name || '|' || description || '|' || badge_header"
                            + " FROM chat_topic WHERE topic_id = " + id));
                    assertEquals("Sales", DB.value("SELECT name FROM chat_topic WHERE topic_id = 1"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("DELETE: 409 while sessions are in the topic; 204 otherwise, its roles gone with it")
    void delete(VertxTestContext ctx) {
        int empty = newTopic("Empty");
        DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_respond) VALUES (" + empty + ", 2, true)");
        Future.all(send(HttpMethod.DELETE, BASE + "/1", null, tje0()), send(HttpMethod.DELETE, BASE + "/" + empty, null, ann1()))
                .compose(first -> {
                    ctx.verify(() -> {
                        assertEquals(409, first.<Response>resultAt(0).status(), "Sales has sessions");
                        assertEquals(403, first.<Response>resultAt(1).status(), "ann1 only responds there");
                    });
                    return send(HttpMethod.DELETE, BASE + "/" + empty, null, tje0());
                })
                .compose(deleted -> {
                    ctx.verify(() -> assertEquals(204, deleted.status()));
                    return send(HttpMethod.DELETE, BASE + "/" + empty, null, tje0());
                })
                .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
                    assertEquals(404, again.status());
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_topic_agent WHERE topic_id = " + empty));
                    assertEquals("1", DB.value("SELECT count(*) FROM chat_topic WHERE topic_id = 1"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("IsOpen: while a responder is present, always without opening hours, else by the day's hours and the lunch break in the topic's zone; for its session's customer too")
    void isOpen(VertxTestContext ctx) {
        int always = newTopic("Always");
        int now = newTopic("Now");
        int lunch = newTopic("Lunch");
        int closedToday = newTopic("Closed today");
        int nobody = newTopic("Nobody present");
        for (int topic : List.of(always, now, lunch, closedToday)) { // tje0 is present (demo data)
            DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_respond) VALUES (" + topic + ", 1, true)");
        }
        DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_respond) VALUES (" + nobody + ", 2, true),"
                + " (" + nobody + ", 1, false)"); // ann1 responds but is away; tje0 is present but only listed
        ZonedDateTime oslo = ZonedDateTime.now(ZoneOffset.UTC).withZoneSameInstant(java.time.ZoneId.of("Europe/Oslo"));
        String day = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun").get(oslo.getDayOfWeek().getValue() - 1);
        String allDay = "\"TzLocation\":{\"Name\":\"Europe/Oslo\"},\"" + day + "Enabled\":true,\"" + day
                + "Start\":\"00:00\",\"" + day + "Stop\":\"23:59:59\"";
        DB.execute("UPDATE chat_topic SET opening_hours_enabled = true, opening_hours = '{" + allDay + "}'"
                + " WHERE topic_id = " + now);
        DB.execute("UPDATE chat_topic SET opening_hours_enabled = true, opening_hours = '{" + allDay
                + ",\"UseLunchHours\":true,\"LunchStart\":\"00:00\",\"LunchStop\":\"23:59:59\"}' WHERE topic_id = " + lunch);
        DB.execute("UPDATE chat_topic SET opening_hours_enabled = true, opening_hours = '{" + allDay.replace(
                day + "Enabled\":true", day + "Enabled\":false") + "}' WHERE topic_id = " + closedToday);
        int session = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id) VALUES (" + now
                + ") RETURNING chat_session_id"));
        Future.all(List.of(app.get(BASE + "/" + always + "/IsOpen"), app.get(BASE + "/" + now + "/IsOpen"),
                        app.get(BASE + "/" + lunch + "/IsOpen"), app.get(BASE + "/" + closedToday + "/IsOpen"),
                        app.get(BASE + "/" + now + "/IsOpen", "Authorization", app.customerAuthorization(session)),
                        app.get(BASE + "/" + always + "/IsOpen", "Authorization", app.customerAuthorization(session)),
                        app.get(BASE + "/" + nobody + "/IsOpen")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals("false", all.<Response>resultAt(6).body().toString(), "no responder present");
                    String[] expected = {"true", "true", "false", "false", "true"};
                    for (int i = 0; i < expected.length; i++) {
                        Response r = all.resultAt(i);
                        assertEquals(200, r.status(), "case " + i);
                        assertEquals(expected[i], r.body().toString(), "case " + i);
                    }
                    assertEquals(403, all.<Response>resultAt(5).status(), "not its session's topic");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("ForCurrentUser and UserAgents: the caller's topics; the agents who may be given roles, flat or by group")
    void lists(VertxTestContext ctx) {
        Future.all(List.of(app.get(BASE + "/ForCurrentUser", "Authorization", tje0()),
                        app.get(BASE + "/ForCurrentUser", "Authorization", ann1()),
                        app.get(BASE + "/ForCurrentUser"),
                        app.get(BASE + "/UserAgents?flat=true"), app.get(BASE + "/UserAgents?flat=false"),
                        app.get(BASE + "/UserAgents?flat=maybe"),
                        app.get(BASE + "/ForCurrentUser", "Authorization", app.customerAuthorization(1))))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertTrue(ids(all.<Response>resultAt(0).jsonArray()).containsAll(List.of(1, 2)));
                    List<Integer> ann1s = ids(all.<Response>resultAt(1).jsonArray());
                    assertTrue(ann1s.contains(1) && !ann1s.contains(2), "ann1 is in Sales, not Support: " + ann1s);
                    assertEquals(new JsonArray(), all.<Response>resultAt(2).jsonArray(), "an agent token of no associate");
                    JsonArray flat = all.<Response>resultAt(3).jsonArray();
                    assertEquals(List.of(PER, "ann1", "tje0"), flat.stream().map(a -> ((JsonObject) a).getString("Name"))
                            .toList(), "by group (per3's 0, the demo agents' 1), then name");
                    assertEquals("Thomas J. Eriksen", flat.getJsonObject(2).getString("FullName"));
                    assertEquals(1, flat.getJsonObject(2).getInteger("Id"));
                    JsonArray groups = all.<Response>resultAt(4).jsonArray();
                    assertEquals(List.of(1, 2), groups.stream().map(g -> ((JsonObject) g).getJsonArray("ChildItems").size())
                            .toList(), "group 0: per3; group 1: both demo agents");
                    assertEquals(400, all.<Response>resultAt(5).status());
                    assertEquals(403, all.<Response>resultAt(6).status());
                    ctx.completeNow();
                })));
    }

    private static List<Integer> ids(JsonArray topics) {
        return topics.stream().map(t -> ((JsonObject) t).getInteger("ChatTopicId")).toList();
    }

    @Test
    @DisplayName("UserAgent: list, one by name or id, add, set, replace all, delete; managers only change them; 404 for no such agent or role")
    void agents(VertxTestContext ctx) {
        int id = newTopic("Agents");
        String path = BASE + "/" + id + "/UserAgent";
        send(HttpMethod.POST, path, "{\"User\":{\"Name\":\"ann1\"},\"CanRespond\":true}", tje0())
                .compose(added -> {
                    ctx.verify(() -> {
                        assertEquals(200, added.status(), added.body().toString());
                        assertEquals(id, added.json().getInteger("TopicId"));
                        assertEquals(2, added.json().getJsonObject("User").getInteger("AssociateId"));
                        assertEquals(true, added.json().getBoolean("CanRespond"));
                        assertEquals(false, added.json().getBoolean("CanManage"));
                    });
                    return Future.all(List.of(app.get(path + "/ann1"), app.get(path + "/2"), app.get(path + "/tje0"),
                            app.get(path + "/nobody"),
                            send(HttpMethod.PUT, path + "/ann1", "{\"CanManage\":true}", ann1()),
                            send(HttpMethod.POST, path, "{\"CanRespond\":true}", tje0())));
                })
                .compose(reads -> {
                    ctx.verify(() -> {
                        assertEquals(200, reads.<Response>resultAt(0).status());
                        assertEquals(reads.<Response>resultAt(0).json(), reads.<Response>resultAt(1).json(), "by id alike");
                        assertEquals(404, reads.<Response>resultAt(2).status(), "tje0 has no role here");
                        assertEquals(404, reads.<Response>resultAt(3).status(), "no such agent");
                        assertEquals(403, reads.<Response>resultAt(4).status(), "ann1 does not manage it (yet)");
                        assertEquals(400, reads.<Response>resultAt(5).status(), "no User");
                    });
                    return send(HttpMethod.PUT, path + "/ann1", "{\"CanManage\":true,\"CanListen\":true}", tje0());
                })
                .compose(set -> {
                    ctx.verify(() -> assertEquals(true, set.json().getBoolean("CanManage")));
                    // A manager may not replace every role (it could remove the others'); an administrator may.
                    return send(HttpMethod.PUT, path, "[]", ann1()).compose(refused -> {
                        ctx.verify(() -> assertEquals(403, refused.status()));
                        return send(HttpMethod.PUT, path, "[{\"User\":{\"AssociateId\":1},\"CanRespond\":true},"
                                + "{\"User\":{\"Name\":\"ann1\"},\"CanManage\":true}]", tje0());
                    });
                })
                .compose(replaced -> {
                    ctx.verify(() -> {
                        assertEquals(200, replaced.status(), replaced.body().toString());
                        assertEquals(2, replaced.jsonArray().size());
                        assertEquals("1:true:false|2:false:true", DB.value("SELECT string_agg(associate_id || ':' || can_respond || ':'"
                                + " || can_manage, '|' ORDER BY associate_id) FROM chat_topic_agent WHERE topic_id = " + id));
                    });
                    return Future.all(List.of(
                            send(HttpMethod.PUT, path, "[{\"User\":{\"Name\":\"ann1\"}},{\"User\":{\"AssociateId\":2}}]", tje0()),
                            send(HttpMethod.DELETE, path + "/tje0", null, ann1()),
                            send(HttpMethod.POST, path, "{\"User\":{\"Name\":\"" + PER + "\"},\"CanManage\":true}", ann1()),
                            send(HttpMethod.POST, path, "{\"User\":{\"Name\":\"" + PER + "\"},\"CanRespond\":true}", ann1())));
                })
                .compose(limits -> {
                    ctx.verify(() -> {
                        assertEquals(400, limits.<Response>resultAt(0).status(), "one agent twice");
                        assertEquals(403, limits.<Response>resultAt(1).status(), "a manager and an administrator's role");
                        assertEquals(403, limits.<Response>resultAt(2).status(), "a manager making another manager");
                        assertEquals(200, limits.<Response>resultAt(3).status(), "a manager adding a responder");
                    });
                    return send(HttpMethod.DELETE, path + "/" + PER, null, ann1());
                })
                .compose(deleted -> {
                    ctx.verify(() -> assertEquals(204, deleted.status()));
                    return send(HttpMethod.DELETE, path + "/" + PER, null, ann1());
                })
                .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
                    assertEquals(404, again.status());
                    assertEquals("1|2", DB.value("SELECT string_agg(associate_id::text, '|' ORDER BY associate_id)"
                            + " FROM chat_topic_agent WHERE topic_id = " + id));
                    ctx.completeNow();
                })));
    }
}
