package chatapi.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A script of {@code src/test/js} running in Node.js (from {@link JsTests#installed()}), its output read
 * line by line (and echoed to the test's output), its standard input open for answers. A watchdog ends
 * it, and whatever it started (Chromium), after {@code timeoutSeconds}, so a hanging script fails the
 * test instead of blocking it.
 */
public final class NodeScript implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final List<String> transcript = new ArrayList<>();

    private NodeScript(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = process.outputWriter(StandardCharsets.UTF_8);
    }

    public static NodeScript start(String script, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        String node = JsTests.node();
        Path dir = JsTests.installed();
        ProcessBuilder pb = new ProcessBuilder(node, script).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(environment);
        NodeScript started = new NodeScript(pb.start());
        Thread watchdog = new Thread(() -> {
            try {
                if (!started.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    started.kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "node-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return started;
    }

    /** The next line the script printed, or null once it has closed its output. */
    public String readLine() throws IOException {
        String line = out.readLine();
        if (line != null) {
            System.out.println("[node] " + line);
            transcript.add(line);
        }
        return line;
    }

    /** Answers the script on its standard input. */
    public void reply(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** Reads the rest of the output; the exit status. */
    public int awaitExit() throws IOException, InterruptedException {
        while (readLine() != null) {
            // transcript
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the script did not exit:\n" + transcriptText());
        }
        return process.exitValue();
    }

    public List<String> transcript() {
        return transcript;
    }

    public String transcriptText() {
        return String.join("\n", transcript);
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            kill();
        }
        in.close();
    }
}
