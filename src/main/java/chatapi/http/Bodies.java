package chatapi.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Request bodies: JSON only, bound to records with Jackson. Property names match case-insensitively
 * (SuperOffice's clients send camelCase), unknown properties are ignored, and anything malformed or
 * of the wrong type is a 400 naming the property. Scalars are not coerced ("5" is not a number).
 */
public final class Bodies {

    private static final ObjectMapper MAPPER = mapper();

    private Bodies() {
    }

    public static <T> T read(RoutingContext ctx, Class<T> type) {
        byte[] body = bytes(ctx);
        return bind(() -> MAPPER.readValue(body, type));
    }

    /** The body as a JSON tree (PATCH documents), with the same checks as {@link #read}. */
    public static JsonNode tree(RoutingContext ctx) {
        byte[] body = bytes(ctx);
        return bind(() -> MAPPER.readTree(body));
    }

    /** The object's property of this name, matched in any case (as every body's names are); null when absent. */
    public static JsonNode field(JsonNode object, String name) {
        for (var it = object.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A JSON tree bound to a record as {@link #read} binds a body: any case, no coercion, 400 naming the property. */
    public static <T> T convert(JsonNode tree, Class<T> type) {
        return bind(() -> MAPPER.treeToValue(tree, type));
    }

    private static byte[] bytes(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        boolean empty = body == null || body.length() == 0;
        requireJsonContentType(ctx, empty);
        if (empty) {
            throw ApiException.badRequest("body.required");
        }
        return body.getBytes();
    }

    private interface Reading<T> {
        T read() throws IOException;
    }

    private static <T> T bind(Reading<T> reading) {
        try {
            T value = reading.read();
            if (value == null || value instanceof JsonNode node && node.isNull()) {
                throw ApiException.badRequest("body.required");
            }
            return value;
        } catch (MismatchedInputException e) {
            // InvalidFormatException (a value of the right JSON type but not acceptable) is one of these.
            String property = property(e);
            throw property.isEmpty()
                    ? ApiException.badRequest("body.oneObject")
                    : new WrongType(property, e.getTargetType());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body.invalidJson", Errors.echo(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("body.unreadable");
        }
    }

    /** A body needs a JSON Content-Type (so that no HTML form is ever read as one); no body, no type needed. */
    private static void requireJsonContentType(RoutingContext ctx, boolean emptyBody) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null ? !emptyBody : !isJson(contentType)) {
            throw new ApiException(415, "UnsupportedMediaType", "body.contentType",
                    Errors.echo(contentType == null ? "" : contentType));
        }
    }

    /** Whether a Content-Type names JSON: {@code application/json}, {@code text/json} or {@code *+json}. */
    static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    /** The property's path with PascalCase names, as the API documents them ({@code readByCustomer} -> ReadByCustomer). */
    private static String property(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? pascalCase(ref.getFieldName()) : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String pascalCase(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** 400 "Property 'X' must be <expectation>", the expectation translated with the rest. */
    private static final class WrongType extends ApiException {
        private final String property;
        private final Class<?> type;

        WrongType(String property, Class<?> type) {
            super(400, "BadRequest", "body.wrongType", property, expectation(Texts.ENGLISH, type));
            this.property = property;
            this.type = type;
        }

        @Override
        public String message(String language) {
            return Texts.format(language, "body.wrongType", property, expectation(language, type));
        }
    }

    private static String expectation(String language, Class<?> type) {
        if (type != null && type.isEnum()) {
            return Texts.format(language, "expect.oneOf", Arrays.stream(type.getEnumConstants())
                    .map(Object::toString).collect(Collectors.joining(", ")));
        }
        if (type == Integer.class || type == int.class) {
            return Texts.format(language, "expect.integer");
        }
        if (type == Boolean.class || type == boolean.class) {
            return Texts.format(language, "expect.boolean");
        }
        if (type == String.class) {
            return Texts.format(language, "expect.string");
        }
        return Texts.format(language, "expect.other");
    }

    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // Numbers and booleans are not strings, and strings are not numbers.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }
}
