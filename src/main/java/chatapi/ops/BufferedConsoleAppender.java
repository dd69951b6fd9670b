package chatapi.ops;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The access log's appender: lines go to standard output in batches, one {@code write(2)} per batch instead
 * of one per line. A line waits in a buffer ({@value #BUFFER_BYTES} bytes) until it fills or at most
 * {@code flushMillis} (default 100) after the first line that found it empty, as nginx's
 * {@code access_log … buffer= flush=} does. At thousands of answers a second the write per line was a fifth
 * of an answer's cost on the event loop (BENCHMARKS.md). A line is never split; the other loggers write at
 * once through the console appender, so an access line may appear after a later line of theirs by up to the
 * delay. {@link #flushAll()} writes what waits: the shutdown calls it last, and a process killed outright
 * loses at most the delay's lines.
 */
public final class BufferedConsoleAppender<E> extends OutputStreamAppender<E> {

    static final int BUFFER_BYTES = 64 * 1024;
    private static final Set<BufferedConsoleAppender<?>> STARTED = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "chat-api-log-flush");
        thread.setDaemon(true);
        return thread;
    });

    private final AtomicBoolean flushPending = new AtomicBoolean();
    private int flushMillis = 100;

    /** At most how long a line waits in the buffer (1–10,000 ms; logback's {@code <flushMillis>}). */
    public void setFlushMillis(int flushMillis) {
        this.flushMillis = Math.max(1, Math.min(10_000, flushMillis));
    }

    @Override
    public void start() {
        setOutputStream(new StandardOutput());
        setImmediateFlush(false);
        super.start();
        STARTED.add(this);
    }

    @Override
    public void stop() {
        STARTED.remove(this);
        super.stop(); // flushes; StandardOutput does not close the descriptor
    }

    @Override
    protected void subAppend(E event) {
        super.subAppend(event);
        if (flushPending.compareAndSet(false, true)) {
            FLUSHER.schedule(this::flush, flushMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what waits in every started buffer (the shutdown's last step before the process halts). */
    public static void flushAll() {
        STARTED.forEach(BufferedConsoleAppender::flush);
    }

    private void flush() {
        flushPending.set(false); // a line appended from here on schedules the next flush
        streamWriteLock.lock();
        try {
            getOutputStream().flush();
        } catch (IOException e) {
            addError("Writing the buffered lines failed", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Standard output behind a buffer; closing it only flushes (the console appender still writes there). */
    private static final class StandardOutput extends BufferedOutputStream {
        StandardOutput() {
            super(new FileOutputStream(FileDescriptor.out), BUFFER_BYTES);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
