package chatapi;

import chatapi.auth.Tokens;
import chatapi.config.AppConfig;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code token --role customer --session 1 --ttl 3600} / {@code token --role agent --sub tje0}: prints
 * a JWT signed with the configured key, for widgets in development and for load tests. Production
 * deployments mint customer tokens in their own backend with the same claims.
 */
final class TokenCommand {

    private TokenCommand() {
    }

    /** What the command line asks for. */
    record Request(String role, Integer session, String subject, int ttl, String conf) {

        Request {
            if (!"agent".equals(role) && !"customer".equals(role)) {
                throw new IllegalArgumentException("--role must be agent or customer");
            }
            if ("customer".equals(role) && (session == null || session < 1)) {
                throw new IllegalArgumentException("a customer token needs --session ID (a positive integer)");
            }
            if (ttl < 1) {
                throw new IllegalArgumentException("--ttl must be at least 1 second");
            }
        }

        /** The session claim: a customer's only. */
        Integer sessionClaim() {
            return "customer".equals(role) ? session : null;
        }
    }

    /** Returns the exit status: 0 printed, 2 bad arguments or configuration. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            Request request = parse(args);
            out.println(sign(request, AppConfig.load(request.conf(), env)));
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("chat-api token: " + e.getMessage());
            return 2;
        }
    }

    static Request parse(String[] args) {
        String role = null;
        Integer session = null;
        String subject = null;
        int ttl = 3600;
        String conf = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--role" -> role = require(value, "--role");
                case "--session" -> session = number(require(value, "--session"), "--session");
                case "--sub" -> subject = require(value, "--sub");
                case "--ttl" -> ttl = number(require(value, "--ttl"), "--ttl");
                case "--conf" -> conf = require(value, "--conf");
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        return new Request(role, session, subject, ttl, conf);
    }

    /** The token, signed with the configured key (on a Vert.x of its own, closed afterwards). */
    private static String sign(Request request, AppConfig config) {
        Vertx vertx = Vertx.vertx();
        try {
            Tokens tokens = Tokens.create(vertx, config.auth());
            if (tokens == null) {
                throw new IllegalArgumentException("no JWT key is configured: set CHAT_JWT_SECRET (HS256) or "
                        + "CHAT_JWT_PUBLIC_KEY_FILE and CHAT_JWT_PRIVATE_KEY_FILE (RS256/ES256)");
            }
            return tokens.sign(request.role(), request.sessionClaim(), request.subject(), request.ttl());
        } finally {
            vertx.close();
        }
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int number(String value, String option) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, not '" + value + "'");
        }
    }
}
