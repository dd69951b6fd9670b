package chatapi.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads chat-api's XML back into the JSON shape, to compare the two representations field by field:
 * an element with child elements is an object (a name repeated among siblings is an array), an
 * element with {@code xsi:nil="true"} is null, any other element is its text. JSON scalars are
 * compared as their text, since XML has no types.
 */
public final class XmlTree {

    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private XmlTree() {
    }

    /** The root element's name and its content. */
    public record Root(String name, Object content) {
    }

    public static Root parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = factory.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .getDocumentElement();
            return new Root(root.getTagName(), content(root));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + xml, e);
        }
    }

    private static Object content(Element element) {
        if ("true".equals(element.getAttributeNS(XSI, "nil"))) {
            return null;
        }
        List<Element> children = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                children.add(child);
            }
        }
        if (children.isEmpty()) {
            return element.getTextContent();
        }
        Map<String, List<Object>> byName = new LinkedHashMap<>();
        for (Element child : children) {
            byName.computeIfAbsent(child.getTagName(), k -> new ArrayList<>()).add(content(child));
        }
        JsonObject object = new JsonObject();
        byName.forEach((name, values) -> object.put(name, values.size() == 1 ? values.get(0) : new JsonArray(values)));
        return object;
    }

    /** The JSON value with every scalar turned into its text, as XML carries it. */
    public static Object asText(Object json) {
        if (json instanceof JsonObject object) {
            JsonObject copy = new JsonObject();
            object.forEach(e -> copy.put(e.getKey(), asText(e.getValue())));
            return copy;
        }
        if (json instanceof JsonArray array) {
            JsonArray copy = new JsonArray();
            array.forEach(v -> copy.add(asText(v)));
            return copy;
        }
        return json == null ? null : json.toString();
    }
}
