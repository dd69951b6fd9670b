package chatapi.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a request line with an HTTP version other than exactly {@code HTTP/1.0} or {@code HTTP/1.1}
 * (say {@code HTtP/1.1} or {@code HTTP/9.9}) a malformed request, answered 400 by
 * {@link Errors#invalidRequest}: Vert.x itself answers such requests 501, a server error, for what is
 * the client's. It marks the decoded request as failed just after Netty's decoder; this reaches into
 * Vert.x's connection ({@code io.vertx.core.net.impl.ConnectionBase}, not a public API: Vert.x 5 has no public
 * hook into a server connection's pipeline, and its invalid-request handler is not called for a well-formed
 * request line with an unknown version), so where that is not possible (another Vert.x version) it does nothing,
 * warns once, and Vert.x's 501 stays.
 */
@ChannelHandler.Sharable
final class HttpVersionCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpVersionCheck.class);
    private static final HttpVersionCheck INSTANCE = new HttpVersionCheck();
    private static final String DECODER = "httpDecoder";
    private static volatile boolean warned;

    private HttpVersionCheck() {
    }

    /** Installs the check on a new connection, or (once per process) warns that it cannot. */
    static void install(HttpConnection connection) {
        install(connection, c -> Internals.pipeline(c));
    }

    /**
     * Adds the check after the connection's HTTP decoder. False, with a warning once per process, when it
     * cannot: the pipeline is not reachable (another Vert.x, where the internal class is missing or changed: a
     * {@link LinkageError} as much as a {@link RuntimeException}) or has no decoder of that name. Vert.x's own
     * handling (501) then stays, and the connection is served as before.
     */
    static boolean install(HttpConnection connection, Function<HttpConnection, ChannelPipeline> pipelineOf) {
        try {
            ChannelPipeline pipeline = pipelineOf.apply(connection);
            if (pipeline != null && pipeline.get(DECODER) != null) {
                if (pipeline.get(HttpVersionCheck.class) == null) {
                    pipeline.addAfter(DECODER, "chat-api-version-check", INSTANCE);
                }
                return true;
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through: Vert.x's own handling stays
        }
        if (!warned) {
            warned = true;
            LOG.warn("Cannot check HTTP versions on this Vert.x; unknown versions are answered 501 by Vert.x");
        }
        return false;
    }

    /**
     * The one use of Vert.x's internals, in a class of its own: it is resolved when first called, inside
     * {@link #install(HttpConnection, Function)}'s guard, so that a Vert.x without it fails there and not when
     * this class loads.
     */
    private static final class Internals {
        static ChannelPipeline pipeline(HttpConnection connection) {
            return connection instanceof ConnectionBase base ? base.channel().pipeline() : null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request
                && request.protocolVersion() != HttpVersion.HTTP_1_1 && request.protocolVersion() != HttpVersion.HTTP_1_0) {
            // Also when decoding failed for another reason: the answer must not echo the odd version.
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
            if (request.decoderResult().isSuccess()) {
                request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("unsupported HTTP version")));
            }
        }
        ctx.fireChannelRead(msg);
    }
}
