package chatapi.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs, for the tokens a well-behaved signer would refuse to make (expired, alg none, …). */
public final class TestJwt {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestJwt() {
    }

    /** A token signed with HMAC-SHA256 under {@code key}. */
    public static String hs256(byte[] key, JsonObject claims) {
        String signingInput = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hs256(String secret, JsonObject claims) {
        return hs256(secret.getBytes(StandardCharsets.UTF_8), claims);
    }

    /** An unsigned token ({@code alg: none}). */
    public static String unsigned(JsonObject claims) {
        return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
    }

    /** Claims of an agent token expiring {@code secondsFromNow} from now (negative: already expired). */
    public static JsonObject agent(long secondsFromNow) {
        long now = System.currentTimeMillis() / 1000;
        return new JsonObject().put("role", "agent").put("sub", "tje0").put("iat", now).put("exp", now + secondsFromNow);
    }

    private static String part(JsonObject json) {
        return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
}
