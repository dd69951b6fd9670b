package chatapi.http;

import java.util.Map;

/**
 * A failure with an HTTP status, a message meant for the client (a key of the message catalogue,
 * translated when the error is written) and any headers the answer needs (Retry-After,
 * WWW-Authenticate). Domain code throws these; {@link Errors} writes them in the error shape of
 * CONTRACT.md section 6. {@link #getMessage()} is the English text, for logs.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;
    private final String key;
    private final Object[] args;
    private final Map<String, String> headers;

    public ApiException(int status, String errorType, String key, Object... args) {
        this(status, errorType, Map.of(), key, args);
    }

    private ApiException(int status, String errorType, Map<String, String> headers, String key, Object... args) {
        super(Texts.format(Texts.ENGLISH, key, args), null, false, false);
        this.status = status;
        this.errorType = errorType;
        this.key = key;
        this.args = args;
        this.headers = headers;
    }

    public static ApiException badRequest(String key, Object... args) {
        return new ApiException(400, "BadRequest", key, args);
    }

    public static ApiException notFound(String key, Object... args) {
        return new ApiException(404, "SoNotFoundException", key, args);
    }

    /** 401 with the challenge listing the accepted schemes; the message never says what was wrong. */
    public static ApiException unauthorized(String challenge) {
        return new ApiException(401, "Unauthorized", Map.of("WWW-Authenticate", challenge), "auth.unauthorized");
    }

    /** 403, the same whatever the resource, so that it reveals nothing about it. */
    public static ApiException forbidden() {
        return new ApiException(403, "Forbidden", "auth.forbidden");
    }

    /** 429 with a Retry-After header: a limit of CONTRACT.md section 8 was reached. */
    public static ApiException tooManyRequests(int retryAfterSeconds, String key, Object... args) {
        return new ApiException(429, "TooManyRequests",
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)), key, args);
    }

    /** 503 with a Retry-After header. */
    public static ApiException unavailable(String key, int retryAfterSeconds) {
        return new ApiException(503, "ServiceUnavailable",
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)), key);
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /** The message in a supported language. */
    public String message(String language) {
        return Texts.format(language, key, args);
    }

    /** Headers the error answer carries. */
    public Map<String, String> headers() {
        return headers;
    }
}
