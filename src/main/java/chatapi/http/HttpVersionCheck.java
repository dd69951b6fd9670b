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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a request line with an HTTP version other than exactly {@code HTTP/1.0} or {@code HTTP/1.1}
 * (say {@code HTtP/1.1} or {@code HTTP/9.9}) a malformed request, answered 400 by
 * {@link Errors#invalidRequest}: Vert.x itself answers such requests 501, a server error, for what is
 * the client's. It marks the decoded request as failed just after Netty's decoder; this reaches into
 * Vert.x's connection ({@code io.vertx.core.net.impl.ConnectionBase}, not a public API), so where that
 * is not possible (another Vert.x version) it does nothing and Vert.x's 501 stays.
 */
@ChannelHandler.Sharable
final class HttpVersionCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpVersionCheck.class);
    private static final HttpVersionCheck INSTANCE = new HttpVersionCheck();
    private static final String DECODER = "httpDecoder";
    private static volatile boolean warned;

    private HttpVersionCheck() {
    }

    static void install(HttpConnection connection) {
        try {
            if (connection instanceof ConnectionBase base) {
                ChannelPipeline pipeline = base.channel().pipeline();
                if (pipeline.get(DECODER) != null && pipeline.get(HttpVersionCheck.class) == null) {
                    pipeline.addAfter(DECODER, "chat-api-version-check", INSTANCE);
                    return;
                }
            }
        } catch (RuntimeException e) {
            // fall through: Vert.x's own handling stays
        }
        if (!warned) {
            warned = true;
            LOG.warn("Cannot check HTTP versions on this Vert.x; unknown versions are answered 501 by Vert.x");
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
