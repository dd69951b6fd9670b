package chatapi.http;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Error message texts in the languages chat-api speaks (src/main/resources/i18n): English (also the
 * fallback), Norwegian Bokmål, Swedish, Danish, German and Dutch.
 */
public final class Texts {

    public static final String ENGLISH = "en";
    /** The languages with a translation, English first. */
    public static final List<String> LANGUAGES = List.of("en", "nb", "sv", "da", "de", "nl");

    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private Texts() {
    }

    /** The message {@code key} in {@code language} (a code of {@link #LANGUAGES}), arguments inserted as text. */
    public static String format(String language, String key, Object... args) {
        Locale locale = Locale.forLanguageTag(language);
        String pattern;
        try {
            pattern = ResourceBundle.getBundle("i18n.messages", locale, NO_FALLBACK).getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalStateException("no message " + key, e);
        }
        Object[] texts = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            texts[i] = String.valueOf(args[i]); // no locale number formatting: ids stay 2147483647
        }
        return new MessageFormat(pattern, locale).format(texts);
    }

    /** The supported language for a language tag ({@code nb-NO} -> nb, {@code no} -> nb), or null. */
    public static String supported(String tag) {
        String primary = tag.split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
        if (primary.equals("no") || primary.equals("nn")) {
            return "nb";
        }
        return LANGUAGES.contains(primary) ? primary : null;
    }
}
