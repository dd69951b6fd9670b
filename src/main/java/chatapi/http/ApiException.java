package chatapi.http;

/**
 * A failure with an HTTP status and a message meant for the client. Domain code throws these;
 * {@link Errors} turns them into the error shape of CONTRACT.md section 6.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;
    private final int retryAfterSeconds;

    public ApiException(int status, String errorType, String message) {
        this(status, errorType, message, 0);
    }

    private ApiException(int status, String errorType, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 503 with a Retry-After header. */
    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, "ServiceUnavailable", message, retryAfterSeconds);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "SoNotFoundException", message);
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /** Seconds for a Retry-After header; 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
