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

/** gettext's plural rule for the page's language: the index of the form for n. */
export function pluralIndex(n, lang = locale()) {
  const base = lang.toLowerCase().split("-")[0];
  // CLDR and gettext: French uses the singular for 0 and 1, English only for 1.
  if (base === "fr") return n > 1 ? 1 : 0;
  return n === 1 ? 0 : 1;
}

/** Fill `{name}` placeholders from params; an unknown name stays as it is. */
export function format(text, params = {}) {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

/** The translation of msgid, placeholders filled: t("Hello {name}", {name: "Ana"}). */
export function t(msgid, params = {}) {
  const found = catalogue[msgid];
  return format(typeof found === "string" && found ? found : msgid, params);
}

/** The plural form for n, placeholders filled ({n} is n, formatted for the locale). */
export function tn(singular, plural, n, params = {}) {
  const found = catalogue[singular];
  const forms = Array.isArray(found) ? found : null;
  const index = pluralIndex(n);
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
