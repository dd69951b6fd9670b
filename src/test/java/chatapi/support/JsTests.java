package chatapi.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The JavaScript side of the tests: {@code src/test/js} (scripts, {@code package.json} and its lock file)
 * copied to {@code target/js} and installed there with {@code npm ci} from the npm registry, once per
 * test JVM; and the programs those scripts need, found on the PATH or failing with how to get them.
 * {@code -Dchat.jsTests=skip} skips the tests that need them (for a machine without Node.js or Chromium;
 * CI never sets it).
 */
public final class JsTests {

    private static final Path SOURCE = Path.of("src/test/js");
    private static final Path WORK = Path.of("target/js");
    private static boolean installed;

    private JsTests() {
    }

    /** {@code target/js}, with the scripts and their dependencies in place. */
    public static synchronized Path installed() throws IOException, InterruptedException {
        skipIfAsked();
        if (installed) {
            return WORK.toAbsolutePath();
        }
        String npm = executable("npm", "Node.js 18 or later with npm (Debian: apt-get install nodejs npm)");
        Files.createDirectories(WORK);
        try (Stream<Path> files = Files.list(SOURCE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, WORK.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path log = WORK.resolve("npm-ci.log");
        Process ci = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(WORK.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!ci.waitFor(5, TimeUnit.MINUTES)) {
            ci.destroyForcibly();
            throw new AssertionError("npm ci in " + WORK + " took more than 5 minutes");
        }
        if (ci.exitValue() != 0) {
            throw new AssertionError("npm ci in " + WORK + " failed:\n" + Files.readString(log));
        }
        installed = true;
        return WORK.toAbsolutePath();
    }

    /** Node.js. */
    public static String node() {
        skipIfAsked();
        return executable("node", "Node.js 18 or later (Debian: apt-get install nodejs)");
    }

    /** Debian's Chromium ({@code CHROMIUM} names another binary); Playwright's own browser download is never used. */
    public static String chromium() {
        skipIfAsked();
        String named = System.getenv("CHROMIUM");
        if (named != null && !named.isBlank()) {
            return named;
        }
        return executable("chromium", "Debian's chromium package (apt-get install chromium), or CHROMIUM=/path/to/chromium");
    }

    /** The program's path on the PATH, or an AssertionError saying how to install it. */
    private static String executable(String name, String howToGetIt) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " was not found on the PATH; these tests need " + howToGetIt
                + " (or run with -Dchat.jsTests=skip to skip them)");
    }

    private static void skipIfAsked() {
        Assumptions.assumeFalse("skip".equals(System.getProperty("chat.jsTests")),
                "-Dchat.jsTests=skip: tests that need Node.js and Chromium are skipped");
    }
}
