package chatapi.http;

import java.util.Map;

/**
 * A failure with an HTTP status, a message meant for the client and any headers the answer needs
 * (Retry-After, WWW-Authenticate). Domain code throws these; {@link Errors} turns them into the error
 * shape of CONTRACT.md section 6.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;
    private final Map<String, String> headers;

    public ApiException(int status, String errorType, String message) {
        this(status, errorType, message, Map.of());
    }

    private ApiException(int status, String errorType, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
        this.headers = headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "SoNotFoundException", message);
    }

    /** 401 with the challenge listing the accepted schemes; the message never says what was wrong. */
    public static ApiException unauthorized(String challenge) {
        return new ApiException(401, "Unauthorized", "Valid credentials are required",
                Map.of("WWW-Authenticate", challenge));
    }

    /** 403, the same whatever the resource, so that it reveals nothing about it. */
    public static ApiException forbidden() {
        return new ApiException(403, "Forbidden", "Access to this resource is not allowed");
    }

    /** 503 with a Retry-After header. */
    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, "ServiceUnavailable", message,
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /** Headers the error answer carries. */
    public Map<String, String> headers() {
        return headers;
    }
}
