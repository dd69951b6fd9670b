package chatapi.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.function.UnaryOperator;

/**
 * chat-api's logging, set up in code (logback finds this class through {@code META-INF/services}): text lines by
 * default, {@code CHAT_LOG_FORMAT=json} for one JSON object per line (logback's JsonEncoder); {@code CHAT_LOG_LEVEL}
 * sets the level of chat-api's own loggers. The access log ({@code chatapi.access}) goes through a
 * {@link BufferedConsoleAppender} in the same format. No logger writes message bodies, passwords, tickets or tokens.
 *
 * <p>The same configuration in logback's XML is {@code conf/logback.xml}: with
 * {@code -Dlogback.configurationFile=FILE} this class steps aside and logback reads the file, as it would without
 * it. Reading the XML (Joran) took about 0.1 s of the start's critical path (BENCHMARKS.md, 2026-12-07 seventh
 * session); LogConfiguratorTest keeps both alike.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n%ex";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // As the XML's ${CHAT_LOG_FORMAT}: a system property, else the environment.
        configure(context, name -> System.getProperty(name, System.getenv(name)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Sets {@code context} up as {@code conf/logback.xml} does with {@code variables}, except that a format other than
     * {@code json} is text (the XML would attach no appender) and an unknown level is INFO (the XML: DEBUG).
     */
    static void configure(LoggerContext context, UnaryOperator<String> variables) {
        boolean json = "json".equals(variables.apply("CHAT_LOG_FORMAT"));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(started(context, "CONSOLE", new ConsoleAppender<>(), encoder(context, json)));
        Logger access = context.getLogger("chatapi.access");
        access.setAdditive(false);
        access.addAppender(started(context, "ACCESS", new BufferedConsoleAppender<>(), encoder(context, json)));
        context.getLogger("chatapi").setLevel(Level.toLevel(variables.apply("CHAT_LOG_LEVEL"), Level.INFO));
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger("io.netty").setLevel(Level.WARN);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json) {
        if (json) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithContext(false);
            encoder.setWithMDC(false);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithFormattedMessage(true);
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static OutputStreamAppender<ILoggingEvent> started(LoggerContext context, String name,
            OutputStreamAppender<ILoggingEvent> appender, Encoder<ILoggingEvent> encoder) {
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
