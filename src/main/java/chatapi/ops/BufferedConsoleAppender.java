package chatapi.ops;

import ch.qos.logback.core.OutputStreamAppender;
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
 * The access log's appender: lines go to standard output in batches, one {@code write(2)} per 4 KiB of whole
 * lines instead of one per line. A line waits in a buffer ({@value #BUFFER_BYTES} bytes) until it fills or at
 * most {@code flushMillis} (default 100) after the first line that found it empty, as nginx's
 * {@code access_log … buffer= flush=} does. At thousands of answers a second the write per line was a fifth
 * of an answer's cost on the event loop (BENCHMARKS.md). Each write holds whole lines and fits a pipe's atomic
 * size, so no line of the other loggers lands inside one; those write at once through the console appender,
 * so an access line may appear after a later line of theirs by up to the delay. {@link #flushAll()} writes
 * what waits: the shutdown calls it last, and a process killed outright loses at most the delay's lines.
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
            FLUSHER.schedule(() -> flush(-1), flushMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what waits in every started buffer (the shutdown's last step before the process halts). */
    public static void flushAll() {
        STARTED.forEach(appender -> appender.flush(1_000));
    }

    /** Writes what waits; with {@code waitMs} >= 0, gives up after that long waiting for a write in progress. */
    private void flush(long waitMs) {
        flushPending.set(false); // a line appended from here on schedules the next flush
        try {
            if (waitMs < 0) {
                streamWriteLock.lock();
            } else if (!streamWriteLock.tryLock(waitMs, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            java.io.OutputStream out = getOutputStream();
            if (out != null) { // null once stopped
                out.flush();
            }
        } catch (IOException e) {
            addError("Writing the buffered lines failed", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /**
     * Standard output behind a buffer of whole lines. It writes in pieces of at most {@value #PIECE_BYTES} bytes
     * cut after a newline, so that each write to a pipe is atomic and a line of another appender never lands
     * inside one of these. A write that fails drops what waits and counts it, and never reaches logback (which
     * would stop the appender for good); closing only flushes (the console appender still writes there).
     */
    static final class StandardOutput extends java.io.OutputStream {

        /** PIPE_BUF on Linux: writes up to this size to a pipe are never interleaved with others. */
        static final int PIECE_BYTES = 4096;
        private final java.io.OutputStream out;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int count;
        private long droppedBytes;

        StandardOutput() {
            this(new FileOutputStream(FileDescriptor.out));
        }

        StandardOutput(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (length > buffer.length - count) {
                flush();
            }
            if (length > buffer.length) { // one event larger than the buffer: written as it comes
                writeOut(bytes, offset, length);
                return;
            }
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }

        @Override
        public void flush() {
            writeOut(buffer, 0, count);
            count = 0;
        }

        @Override
        public void close() {
            flush();
        }

        /** Bytes dropped because standard output refused them. */
        long droppedBytes() {
            return droppedBytes;
        }

        private void writeOut(byte[] bytes, int offset, int length) {
            int end = offset + length;
            int at = offset;
            try {
                while (at < end) {
                    int piece = Math.min(PIECE_BYTES, end - at);
                    if (at + piece < end) { // cut after the last newline in the piece, if it has one
                        for (int i = at + piece - 1; i >= at; i--) {
                            if (bytes[i] == '\n') {
                                piece = i + 1 - at;
                                break;
                            }
                        }
                    }
                    out.write(bytes, at, piece);
                    at += piece;
                }
                out.flush();
            } catch (IOException e) {
                droppedBytes += end - at;
            }
        }
    }
}
