package chatapi.http;

/**
 * A failure with an HTTP status and a message meant for the client. Domain code throws these;
 * {@link Errors} turns them into the error shape of CONTRACT.md section 6.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;

    public ApiException(int status, String errorType, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
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
}
