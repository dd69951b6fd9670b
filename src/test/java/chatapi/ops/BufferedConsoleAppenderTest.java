package chatapi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The access log's buffered standard output")
class BufferedConsoleAppenderTest {

    /** Records each write it is given. */
    static final class Writes extends OutputStream {
        final List<String> writes = new ArrayList<>();
        boolean failing;

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (failing) {
                throw new IOException("Resource temporarily unavailable");
            }
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
    }

    static byte[] line(int i) {
        return ("GET /api/v1/ChatSession/:id/Messages 200 " + i + "ms app=-\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("nothing is written until a flush; then whole lines, in writes of at most 4 KiB, all in order")
    void wholeLinesInPieces() {
        Writes out = new Writes();
        var buffered = new BufferedConsoleAppender.StandardOutput(out);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            buffered.write(line(i), 0, line(i).length);
            expected.writeBytes(line(i));
        }
        assertEquals(List.of(), out.writes);
        buffered.flush();
        assertTrue(out.writes.size() > 1, "several writes for " + expected.size() + " bytes");
        for (String write : out.writes) {
            assertTrue(write.length() <= BufferedConsoleAppender.StandardOutput.PIECE_BYTES, "a write of " + write.length());
            assertTrue(write.endsWith("\n"), "a write ends with a whole line");
        }
        assertEquals(expected.toString(StandardCharsets.UTF_8), String.join("", out.writes));
        buffered.flush();
        assertEquals(expected.toString(StandardCharsets.UTF_8), String.join("", out.writes), "nothing written twice");
    }

    @Test
    @DisplayName("a full buffer is written before the line that does not fit; a refused write drops its batch, and writing goes on")
    void fullAndRefused() {
        Writes out = new Writes();
        var buffered = new BufferedConsoleAppender.StandardOutput(out);
        byte[] line = line(1);
        int fit = BufferedConsoleAppender.BUFFER_BYTES / line.length;
        for (int i = 0; i < fit; i++) {
            buffered.write(line, 0, line.length);
        }
        assertEquals(List.of(), out.writes);
        buffered.write(line, 0, line.length);
        assertEquals(fit * line.length, String.join("", out.writes).length(), "the full buffer went out first");
        out.failing = true;
        buffered.flush(); // refused: dropped, no exception
        assertEquals(line.length, buffered.droppedBytes());
        out.failing = false;
        out.writes.clear();
        buffered.write(line(2), 0, line(2).length);
        buffered.flush();
        assertEquals(List.of(new String(line(2), StandardCharsets.UTF_8)), out.writes);
    }
}
