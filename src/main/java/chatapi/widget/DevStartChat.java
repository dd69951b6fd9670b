package chatapi.widget;

import chatapi.auth.Tokens;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.ClientAddress;
import chatapi.http.DateTimes;
import chatapi.http.Json;
import chatapi.http.Representation;
import chatapi.http.Respond;
import chatapi.session.NewChatSession;
import chatapi.session.SessionStore;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * {@code POST /dev/StartChat}, only when {@code devStartChat} is on: what a site's own backend does when
 * a visitor starts a chat, so that the reference widget works out of the box in development. It creates
 * a session in the queue (the body of {@code POST /api/v1/ChatSession}) and answers a customer token
 * for it, in the {@code token} command's format. It asks for no credentials: never turn it on where
 * strangers can reach it.
 */
public final class DevStartChat {

    private final SessionStore repository;
    private final Tokens tokens;
    private final int ttlSeconds;
    private final ClientAddress clients;

    public DevStartChat(SessionStore repository, Tokens tokens, int ttlSeconds, ClientAddress clients) {
        this.repository = repository;
        this.tokens = tokens;
        this.ttlSeconds = ttlSeconds;
        this.clients = clients;
    }

    /** Answers {@code {"ChatSessionId":N,"Token":"…","Expires":"…"}}. */
    public void handle(RoutingContext ctx) {
        NewChatSession session = Bodies.read(ctx, NewChatSession.class)
                .validated(clients.of(ctx.request()));
        var created = repository.insertSession(session)
                .map(id -> id.orElseThrow(() -> ApiException.badRequest("topic.unknown", session.topicId())));
        Respond.with(ctx, created, id -> {
                    Instant expires = Instant.ofEpochSecond(System.currentTimeMillis() / 1000 + ttlSeconds); // as exp
                    String token = tokens.sign("customer", id, null, ttlSeconds);
                    String when = DateTimes.format(expires.atOffset(ZoneOffset.UTC), Representation.of(ctx).zone());
                    Json.send(ctx, 200, "StartChat", g -> {
                        g.writeStartObject();
                        g.writeNumberField("ChatSessionId", id);
                        g.writeStringField("Token", token);
                        g.writeStringField("Expires", when);
                        g.writeEndObject();
                    });
                });
    }
}
