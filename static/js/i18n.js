// Translations for the JavaScript (gettext domain `room`), read from the page itself: base.html
// carries <script type="application/json" id="js-catalogue"> with the current locale's
// catalogue (festival/i18n.py, js_catalogue()) and <html lang>. No request, no build step.
//
// The catalogue maps a msgid to its translation; a plural entry maps the singular msgid to the
// list of its plural forms (gettext's msgstr[0], msgstr[1], ...). A missing or empty entry
// falls back to the English msgid, so an untranslated string shows in English, never blank.
//
// scripts/i18n extracts the strings with Babel's javascript extractor, keywords `t` and
// `tn:1,2` (docs/i18n.md): only literal strings in the call are found, so placeholders are
// `{name}` inside the string and values come in `params`, never template literals.

function readCatalogue() {
  const node = typeof document === "undefined" ? null : document.getElementById("js-catalogue");
  if (!node) return {};
  try {
    const parsed = JSON.parse(node.textContent || "{}");
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {}; // a broken catalogue: English, not a broken page
  }
}

const catalogue = readCatalogue();

/** The page's language, e.g. "fr" or "en" (from <html lang>). */
export function locale() {
  const lang = typeof document === "undefined" ? "" : document.documentElement.lang;
  return lang || "en";
}

// CLDR's plural categories in the order Babel numbers a catalogue's plural forms.
const CATEGORY_ORDER = ["zero", "one", "two", "few", "many", "other"];

/** The index of the plural form for n in a list of `count` forms, by CLDR's rules (those
 * Babel writes into Plural-Forms): French has one (0 and 1), many (1 000 000) and other;
 * English one (1) and other. A two-form list (gettext's classic rules) is one/other. */
export function pluralIndex(n, count, lang = locale()) {
  let rules;
  try {
    rules = new Intl.PluralRules(lang);
  } catch {
    rules = new Intl.PluralRules("en");
  }
  const category = rules.select(n);
  const categories = CATEGORY_ORDER.filter((c) => rules.resolvedOptions().pluralCategories.includes(c));
  if (categories.length === count) return categories.indexOf(category);
  return category === "one" ? 0 : count - 1;
}

/** Fill `{name}` placeholders from params; an unknown name stays as it is. */
export function format(text, params = {}) {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

/** The translation of msgid, its {name} placeholders filled from params. */
export function t(msgid, params = {}) {
  const found = catalogue[msgid];
  return format(typeof found === "string" && found ? found : msgid, params);
}

/** The plural form for n, placeholders filled ({n} is n, formatted for the locale). */
export function tn(singular, plural, n, params = {}) {
  const found = catalogue[singular];
  const forms = Array.isArray(found) ? found : null;
  const index = forms ? pluralIndex(n, forms.length) : 0;
  let text = forms && typeof forms[index] === "string" && forms[index] ? forms[index] : null;
  if (text === null) text = n === 1 ? singular : plural; // untranslated: English's rule
  return format(text, { n: number(n), ...params });
}

/** A number written for the locale ("1 234" in French, "1,234" in English). */
export function number(n, options = {}) {
  try {
    return new Intl.NumberFormat(locale(), options).format(n);
  } catch {
    return String(n);
  }
}

/** A time of day for the locale in a zone ("14:05" / "2:05 PM"); zone undefined: the device's. */
export function time(date, zone = undefined, options = {}) {
  const settings = { hour: "2-digit", minute: "2-digit", timeZone: zone, ...options };
  try {
    return new Intl.DateTimeFormat(locale(), settings).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale(), { ...settings, timeZone: undefined }).format(date);
  }
}
