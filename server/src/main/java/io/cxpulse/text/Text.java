package io.cxpulse.text;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What text the server accepts from a client, in one place so that every endpoint judges alike
 * (docs/security.md, "Input limits"):
 * <ul>
 *   <li><b>free text</b> (comments, notes, search terms, query parameters): no NUL or other control
 *       character except tab, line feed and carriage return, no unpaired surrogate (PostgreSQL cannot
 *       store either, and controls have no business in a customer's words);</li>
 *   <li><b>names</b> (touchpoint, reason and device names, labels, an assignee): free text on one line,
 *       without the bidirectional embedding, override and isolate controls that make a name display
 *       as something else;</li>
 *   <li><b>segment values</b> (a store, an agent, a counter: each becomes a leaderboard row and a
 *       counter key): NFC-normalised (so "é" typed two ways is one value), no format character
 *       (zero-width spaces and joiners, the byte-order mark, bidi controls), no other invisible or
 *       space character than the plain space, no white space at either end, and letters of one
 *       script (Latin may go with Han, kana or Hangul): "stоre" with a Cyrillic о is refused.</li>
 * </ul>
 * Pure Java, no I/O: the ground floor.
 */
public final class Text {
  /** A value after its check: the normalised text, or why it is refused (then {@code value} is null). */
  public record Checked(String value, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  private static final List<Set<UnicodeScript>> MIXES = List.of(
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA),
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.BOPOMOFO),
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HANGUL));

  private Text() {}

  /** Null when {@code s} is acceptable free text, else why not (a sentence fragment: "must not contain …"). */
  public static String problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7F && c <= 0x9F) {
        return "must not contain the control character " + codePoint(c);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "must not contain an unpaired surrogate " + codePoint(c);
      }
      if (Character.isLowSurrogate(c)) return "must not contain an unpaired surrogate " + codePoint(c);
      if (c == 0xFFFE || c == 0xFFFF) return "must not contain the non-character " + codePoint(c);
    }
    return null;
  }

  /** Null when {@code s} is an acceptable name or label (one line, no bidi controls), else why not. */
  public static String nameProblem(String s) {
    String p = problem(s);
    if (p != null) return p;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029') {
        return "must be one line (no tab or line break)";
      }
      if (bidiControl(c)) return "must not contain the bidirectional control " + codePoint(c);
    }
    return null;
  }

  /** A segment value, NFC-normalised, or why it is refused. */
  public static Checked segmentValue(String raw) {
    String p = problem(raw);
    if (p != null) return new Checked(null, p);
    String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
    if (s.isEmpty()) return new Checked(null, "must not be empty");
    Set<UnicodeScript> scripts = EnumSet.noneOf(UnicodeScript.class);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.FORMAT) return new Checked(null, "must not contain the invisible format character " + codePoint(cp));
      if (type == Character.CONTROL) return new Checked(null, "must not contain the control character " + codePoint(cp));
      if (type == Character.PRIVATE_USE || type == Character.UNASSIGNED || type == Character.SURROGATE) {
        return new Checked(null, "must not contain the unassigned or private-use character " + codePoint(cp));
      }
      if ((type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR)
          && cp != ' ') {
        return new Checked(null, "must not contain the space character " + codePoint(cp) + " (only a plain space)");
      }
      if (ignorable(cp)) return new Checked(null, "must not contain the invisible character " + codePoint(cp));
      UnicodeScript script = UnicodeScript.of(cp);
      if (script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED && script != UnicodeScript.UNKNOWN) {
        scripts.add(script);
      }
    }
    if (Character.isWhitespace(s.codePointAt(0)) || Character.isWhitespace(s.codePointBefore(s.length()))) {
      return new Checked(null, "must not begin or end with white space");
    }
    if (scripts.size() > 1 && MIXES.stream().noneMatch(m -> m.containsAll(scripts))) {
      return new Checked(null, "mixes letters of " + scripts.stream().map(x -> x.name().toLowerCase(java.util.Locale.ROOT)).sorted()
          .toList() + ": look-alike letters of another script are refused");
    }
    return new Checked(s, null);
  }

  /** Default-ignorable code points that are not format characters: they render as nothing. */
  private static boolean ignorable(int cp) {
    return cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0
        || cp >= 0x180B && cp <= 0x180F || cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF;
  }

  private static boolean bidiControl(char c) {
    return c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069' || c == '\u200E' || c == '\u200F'
        || c == '\u061C';
  }

  private static String codePoint(int cp) {
    return String.format("U+%04X", cp);
  }
}
