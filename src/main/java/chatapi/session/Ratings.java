package chatapi.session;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.DateTimes;
import chatapi.http.Json;
import chatapi.http.PathIds;
import chatapi.http.Representation;
import chatapi.http.Respond;
import chatapi.http.Text;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * A chat's rating by its customer ({@code ChatSession/{id}/Rating}): once the chat has ended, in a topic with
 * {@code WidgetEnableRating}, the session's customer rates it once (1 to 5, and a comment). SuperOffice's
 * ChatSessionEntity has no rating property, so the rating is a resource of its own; agents and the customer
 * read it.
 */
public final class Ratings {

    /** Statuses in which a chat is over and may be rated. */
    private static final String ENDED = "('Closed', 'Finished', 'ClosedFromQueue')";

    /** The longest comment, in characters (the column's length). */
    static final int MAX_COMMENT = 2000;

    /**
     * $1 session, $2 rating, $3 comment: stores the rating when the session has ended in a topic that takes ratings
     * and has none yet, in one statement; answers why not otherwise (no row: no such session).
     */
    private static final String RATE = "WITH s AS (SELECT s.chat_session_id, s.status IN " + ENDED + " AS ended,"
            + " t.widget_enable_rating AS enabled FROM chat_session s JOIN chat_topic t ON t.topic_id = s.topic_id"
            + " WHERE s.chat_session_id = $1),"
            + " stored AS (INSERT INTO chat_session_rating (chat_session_id, rating, comment)"
            + " SELECT chat_session_id, $2, $3 FROM s WHERE ended AND enabled"
            + " ON CONFLICT (chat_session_id) DO NOTHING RETURNING when_rated)"
            + " SELECT s.ended, s.enabled, (SELECT when_rated FROM stored) FROM s";

    /** $1 session: its rating, if any, and whether the session exists. */
    private static final String FIND = "SELECT r.rating, r.comment, r.when_rated FROM chat_session s"
            + " LEFT JOIN chat_session_rating r ON r.chat_session_id = s.chat_session_id WHERE s.chat_session_id = $1";

    /** The body of PUT …/Rating. */
    record RatingBody(Integer rating, String comment) {
    }

    private final SqlClient pool;

    public Ratings(SqlClient pool) {
        this.pool = pool;
    }

    /**
     * PUT …/{id}/Rating: the session's customer only (an agent: 403); 409 before the chat has ended, when its topic
     * takes no ratings, or when it was rated before.
     */
    public void put(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        if (Principal.of(ctx).isAgent()) {
            throw new ApiException(403, "Forbidden", "rating.customerOnly");
        }
        RatingBody body = Bodies.read(ctx, RatingBody.class);
        if (body.rating() == null) {
            throw ApiException.badRequest("property.required", "Rating");
        }
        if (body.rating() < 1 || body.rating() > 5) {
            throw ApiException.badRequest("rating.range", body.rating());
        }
        String comment = Text.optional("Comment", body.comment(), MAX_COMMENT);
        var stored = pool.preparedQuery(RATE).execute(Tuple.of(id, body.rating().shortValue(), comment == null ? "" : comment))
                .recover(failure -> Future.failedFuture(failure instanceof PgException pg
                        && "23503".equals(pg.getSqlState()) ? ApiException.notFound("session.notFound", id) : failure))
                .map(rows -> { // (23503: the session was deleted between the statement's read and its insert)
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound("session.notFound", id);
                    }
                    Row row = rows.iterator().next();
                    if (!row.getBoolean(1)) {
                        throw new ApiException(409, "Conflict", "rating.disabled", id);
                    }
                    if (!row.getBoolean(0)) {
                        throw new ApiException(409, "Conflict", "rating.notEnded", id);
                    }
                    OffsetDateTime when = row.getOffsetDateTime(2);
                    if (when == null) {
                        throw new ApiException(409, "Conflict", "rating.already", id);
                    }
                    return new Rating(id, body.rating(), comment == null ? "" : comment, when);
                });
        Respond.with(ctx, stored, rating -> send(ctx, rating));
    }

    /** GET …/{id}/Rating: agents and the session's customer; 404 while it has none. */
    public void get(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        var found = pool.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ApiException.notFound("session.notFound", id);
            }
            Row row = rows.iterator().next();
            if (row.getValue(0) == null) {
                throw ApiException.notFound("rating.notFound", id);
            }
            return new Rating(id, row.getInteger(0), row.getString(1), row.getOffsetDateTime(2));
        });
        Respond.with(ctx, found, rating -> send(ctx, rating));
    }

    private record Rating(int sessionId, int rating, String comment, OffsetDateTime when) {
    }

    private static void send(RoutingContext ctx, Rating rating) {
        String when = DateTimes.format(rating.when(), Representation.of(ctx).zone());
        Json.send(ctx, 200, "ChatSessionRating", g -> {
            g.writeStartObject();
            g.writeNumberField("ChatSessionId", rating.sessionId());
            g.writeNumberField("Rating", rating.rating());
            g.writeStringField("Comment", rating.comment());
            g.writeStringField("WhenRated", when);
            g.writeEndObject();
        });
    }
}
