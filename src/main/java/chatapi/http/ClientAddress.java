package chatapi.http;

import chatapi.config.Addresses;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a request comes from, for login throttling and a session's CustomerHost: the socket's address, or,
 * when the socket belongs to a configured trusted proxy ({@code trustedProxies}), the right-most entry of
 * {@code X-Forwarded-For} that is not itself a trusted proxy. Entries left of it were written by the client
 * and are never believed; from anyone but a trusted proxy the header is ignored altogether.
 */
public final class ClientAddress {

    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::\\d+)?");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d+");

    private final List<IpSubnetFilterRule> trusted;

    /** @param trustedProxies addresses ({@code 10.0.0.7}, {@code ::1}) or CIDR ranges ({@code 10.0.0.0/8}) */
    public ClientAddress(List<String> trustedProxies) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : trustedProxies) {
            rules.add(Addresses.range(entry));
        }
        this.trusted = List.copyOf(rules);
    }

    /**
     * The client's address, canonical ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}). Behind trusted proxies: the
     * right-most X-Forwarded-For entry that is not a trusted proxy, if it is an IP address; else (garbage, or
     * nothing untrusted) the nearest hop a trusted proxy vouched for, never an entry further left, which the
     * client may have written.
     */
    public String of(HttpServerRequest request) {
        String socket = canonical(request.remoteAddress().hostAddress());
        if (trusted.isEmpty() || !trusted(socket)) {
            return socket;
        }
        List<String> entries = new ArrayList<>();
        for (String header : request.headers().getAll("X-Forwarded-For")) {
            for (String entry : header.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
        }
        String vouched = socket;
        for (int i = entries.size() - 1; i >= 0; i--) {
            InetAddress ip = ip(withoutPort(entries.get(i)));
            if (ip == null) {
                return vouched;
            }
            String address = NetUtil.toAddressString(ip);
            if (!trusted(ip)) {
                return address;
            }
            vouched = address;
        }
        return vouched;
    }

    /**
     * The unit login throttling counts by: an IPv4 address, or an IPv6 address's /64 (one subscriber's
     * network: an attacker there has 2^64 addresses to choose from).
     */
    public static String network(String address) {
        InetAddress ip = ip(address);
        if (ip == null || ip.getAddress().length != 16) {
            return address;
        }
        byte[] bytes = ip.getAddress();
        java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
        return NetUtil.bytesToIpAddress(bytes) + "/64";
    }

    /** The scheme the client used: X-Forwarded-Proto from a trusted proxy, else the request's own. */
    public String scheme(HttpServerRequest request) {
        String forwarded = request.getHeader("X-Forwarded-Proto");
        if (forwarded != null && !trusted.isEmpty() && trusted(request.remoteAddress().hostAddress())) {
            String proto = forwarded.split(",", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (proto.equals("http") || proto.equals("https")) {
                return proto;
            }
        }
        return request.scheme();
    }

    private static String canonical(String address) {
        InetAddress ip = ip(address);
        return ip == null ? address : NetUtil.toAddressString(ip);
    }

    /** The IP address a text names (an IPv6 zone id, {@code %eth0}, left out), or null. */
    private static InetAddress ip(String text) {
        int zone = text.indexOf('%');
        return NetUtil.createInetAddressFromIpAddressString(zone < 0 ? text : text.substring(0, zone));
    }

    /** Whether requests from this address may name the client in X-Forwarded-For. */
    public boolean trusted(String address) {
        InetAddress ip = ip(address);
        return ip != null && trusted(ip);
    }

    private boolean trusted(InetAddress ip) {
        InetSocketAddress socket = new InetSocketAddress(ip, 0);
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(socket)) {
                return true;
            }
        }
        return false;
    }

    /** {@code [2001:db8::1]:443} and {@code 192.0.2.1:443} as some proxies write them, without the port. */
    private static String withoutPort(String entry) {
        Matcher bracketed = BRACKETED.matcher(entry);
        if (bracketed.matches()) {
            return bracketed.group(1);
        }
        Matcher v4 = IPV4_WITH_PORT.matcher(entry);
        return v4.matches() ? v4.group(1) : entry;
    }
}
