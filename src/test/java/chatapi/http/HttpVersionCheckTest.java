package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The HTTP version check on a Netty pipeline of its own (no server, no database), and its fallback when Vert.x's
 * connection internals are missing. Through a real server, BadInputTest checks the 400 for {@code HTTP/9.9}.
 */
@DisplayName("HttpVersionCheck: unknown versions become malformed requests; a Vert.x without the internals falls back")
class HttpVersionCheckTest {

    @Test
    @DisplayName("after the decoder, HTTP/9.9 and HTtP/1.1 are failed requests answered as HTTP/1.1; 1.0 and 1.1 pass")
    void marksUnknownVersions() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("httpDecoder", new HttpRequestDecoder());
        assertTrue(HttpVersionCheck.install(null, c -> channel.pipeline()));
        assertTrue(HttpVersionCheck.install(null, c -> channel.pipeline()), "installed once, found the second time");
        assertEquals(1, channel.pipeline().names().stream().filter(n -> n.equals("chat-api-version-check")).count());

        HttpRequest odd = read(channel, "GET / HTTP/9.9\r\nHost: x\r\n\r\n");
        assertTrue(odd.decoderResult().isFailure(), "HTTP/9.9 is a malformed request");
        assertEquals(HttpVersion.HTTP_1_1, odd.protocolVersion(), "the answer does not echo the odd version");
        channel.close();
        EmbeddedChannel again = new EmbeddedChannel();
        again.pipeline().addLast("httpDecoder", new HttpRequestDecoder());
        HttpVersionCheck.install(null, c -> again.pipeline());
        for (String version : new String[] {"HTTP/1.1", "HTTP/1.0"}) {
            HttpRequest fine = read(again, "GET / " + version + "\r\nHost: x\r\n\r\n");
            assertTrue(fine.decoderResult().isSuccess(), version + " passes");
            assertEquals(version, fine.protocolVersion().text());
        }
        again.close();
    }

    @Test
    @DisplayName("a missing internal class (NoClassDefFoundError), a changed one (RuntimeException) or no decoder: no exception, false")
    void fallsBack() {
        assertFalse(HttpVersionCheck.install(null, c -> {
            throw new NoClassDefFoundError("io/vertx/core/net/impl/ConnectionBase");
        }));
        assertFalse(HttpVersionCheck.install(null, c -> {
            throw new ClassCastException("not a ConnectionBase");
        }));
        assertFalse(HttpVersionCheck.install(null, c -> null), "not a connection whose pipeline is reachable");
        assertFalse(HttpVersionCheck.install(null, c -> new EmbeddedChannel().pipeline()), "no HTTP decoder");
    }

    private static HttpRequest read(EmbeddedChannel channel, String head) {
        channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
        HttpRequest request = channel.readInbound();
        assertNotNull(request);
        Object rest;
        while ((rest = channel.readInbound()) != null) { // the empty last content
            io.netty.util.ReferenceCountUtil.release(rest);
        }
        return request;
    }
}
