package chatapi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Logging set up in code, as conf/logback.xml sets it up")
class LogConfiguratorTest {

    private static final List<String> LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "chatapi", "chatapi.access",
            "chatapi.http.Errors", "org.flywaydb", "io.netty", "io.vertx");

    static List<Map<String, String>> environments() {
        return List.of(Map.of(), Map.of("CHAT_LOG_FORMAT", "json"), Map.of("CHAT_LOG_LEVEL", "DEBUG"),
                Map.of("CHAT_LOG_FORMAT", "json", "CHAT_LOG_LEVEL", "WARN"));
    }

    @ParameterizedTest
    @MethodSource("environments")
    @DisplayName("each logger has the level, additivity and appenders of the XML, and writes the same bytes")
    void sameAsTheXml(Map<String, String> env) throws JoranException {
        LoggerContext code = new LoggerContext();
        LoggerContext xml = new LoggerContext();
        try {
            LogConfigurator.configure(code, env::get);
            // ${CHAT_LOG_FORMAT:-text} reads the context's properties first: the defaults too, so that this JVM's
            // own environment does not count
            xml.putProperty("CHAT_LOG_FORMAT", env.getOrDefault("CHAT_LOG_FORMAT", "text"));
            xml.putProperty("CHAT_LOG_LEVEL", env.getOrDefault("CHAT_LOG_LEVEL", "INFO"));
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(xml);
            joran.doConfigure(Path.of("conf/logback.xml").toFile());
            for (String name : LOGGERS) {
                Logger fromCode = code.getLogger(name);
                Logger fromXml = xml.getLogger(name);
                assertEquals(fromXml.getEffectiveLevel(), fromCode.getEffectiveLevel(), name + "'s level");
                assertEquals(fromXml.isAdditive(), fromCode.isAdditive(), name + "'s additivity");
                List<OutputStreamAppender<ILoggingEvent>> codeAppenders = appenders(fromCode);
                List<OutputStreamAppender<ILoggingEvent>> xmlAppenders = appenders(fromXml);
                assertEquals(xmlAppenders.size(), codeAppenders.size(), name + "'s appenders");
                for (int i = 0; i < xmlAppenders.size(); i++) {
                    assertEquals(xmlAppenders.get(i).getClass(), codeAppenders.get(i).getClass(), name + "'s appender");
                    LoggingEvent event = event(code);
                    assertEquals(encoded(xmlAppenders.get(i), event), encoded(codeAppenders.get(i), event),
                            name + "'s line");
                }
            }
        } finally {
            code.stop();
            xml.stop();
        }
    }

    @Test
    @DisplayName("logback finds it: this JVM's access logger writes through the buffered appender")
    void registeredAsService() {
        assertNull(System.getProperty("logback.configurationFile"));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger access = context.getLogger("chatapi.access");
        assertEquals(false, access.isAdditive());
        assertInstanceOf(BufferedConsoleAppender.class, access.getAppender("ACCESS"));
        assertEquals(Level.INFO, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
    }

    private static List<OutputStreamAppender<ILoggingEvent>> appenders(Logger logger) {
        List<OutputStreamAppender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            appenders.add((OutputStreamAppender<ILoggingEvent>) it.next());
        }
        return appenders;
    }

    /**
     * One event with a fixed time, parameters, an exception and a logger name long enough to be abbreviated, so that
     * every part of the line is written.
     */
    private static LoggingEvent event(LoggerContext context) {
        IllegalStateException cause = new IllegalStateException("the cause");
        cause.setStackTrace(new StackTraceElement[] {new StackTraceElement("chatapi.X", "y", "X.java", 1)});
        LoggingEvent event = new LoggingEvent(Logger.class.getName(),
                context.getLogger("chatapi.longpoll.NotificationListener.Reconnect"), Level.WARN,
                "answered {} in {} ms", cause, new Object[] {"GET /x", 12});
        event.setTimeStamp(1_796_677_649_843L);
        event.setThreadName("vert.x-eventloop-thread-1");
        return event;
    }

    private static String encoded(OutputStreamAppender<ILoggingEvent> appender, ILoggingEvent event) {
        return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
    }
}
