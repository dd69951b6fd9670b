package chatapi.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What a logger (and the loggers under it) writes while the capture is open: {@code try (LogCapture log =
 * LogCapture.root()) { … log.atLeast(Level.WARN) … }}. Closing it detaches it, whatever the test's outcome.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    /** Captures INFO and above whatever CHAT_LOG_LEVEL set (the level is put back on close). */
    private LogCapture(Logger logger) {
        this.logger = logger;
        this.level = logger.getLevel();
        if (!logger.isInfoEnabled()) {
            logger.setLevel(Level.INFO);
        }
        events.start();
        logger.addAppender(events);
    }

    /** Everything that reaches the root logger (not the access log, which does not go there). */
    public static LogCapture root() {
        return of(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    private static LogCapture of(String name) {
        return new LogCapture((Logger) LoggerFactory.getLogger(name));
    }

    /** The events of {@code level} or above so far, each as "logger: message". */
    public List<String> atLeast(Level level) {
        return events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    /** The messages of the events of exactly {@code level} so far. */
    public List<String> at(Level level) {
        return events.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(events);
        logger.setLevel(level);
    }
}
