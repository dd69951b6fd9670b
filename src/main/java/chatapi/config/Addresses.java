package chatapi.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/** How configuration names addresses: IP ranges ({@code trustedProxies}) and origins ({@code allowedOrigins}). */
public final class Addresses {

    private Addresses() {
    }

    /** The range an entry names ({@code 10.0.0.7}, {@code ::1}, {@code 10.0.0.0/8}); an IllegalArgumentException naming a bad one. */
    public static IpSubnetFilterRule range(String entry) {
        String text = entry.trim();
        int slash = text.indexOf('/');
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
        if (ip == null) {
            throw new IllegalArgumentException("trustedProxies: '" + entry + "' is not an IP address or CIDR range");
        }
        int bits = ip.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("trustedProxies: '" + entry + "' has an invalid prefix length");
        }
        return new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT);
    }

    /** {@code scheme://host[:port]} in lower case, or null when the text is not an origin. */
    public static String origin(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : ""))
                    .toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
