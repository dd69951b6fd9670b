package chatapi.support;

import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The sample responses of SuperOffice's reference pages, read from copies of the spec files kept as
 * test fixtures (src/test/resources/spec), so the tests run without ../shared.
 */
public final class SpecSamples {

    private SpecSamples() {
    }

    /** The decoded JSON body of the page's sample response (the {@code ```http_} block). */
    public static Object responseBody(String specFile) {
        String page = read("spec/" + specFile);
        int block = page.indexOf("```http_");
        if (block < 0) {
            throw new IllegalStateException(specFile + " has no sample response block");
        }
        int bodyStart = page.indexOf("\n\n", block) + 2;
        int bodyEnd = page.indexOf("```", bodyStart);
        return Json.decodeValue(page.substring(bodyStart, bodyEnd));
    }

    private static String read(String resource) {
        try (InputStream in = SpecSamples.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
