import Foundation

/// The folded form of text for matching what staff type against what was stored: Unicode
/// canonical equivalence (NFC/NFD alike), case, diacritics and width folded (`José`, `JOSE`,
/// `Jose` + U+0301 and `jose` all fold to `jose`; `Muñoz` to `munoz`; `Straße` to `strasse`).
/// Letters without a decomposition are mapped by a small table (`ı`/`İ` → `i`, `ł` → `l`,
/// `ø` → `o`, `æ` → `ae`, `œ` → `oe`, `đ`/`ð` → `d`, `þ` → `th`).
///
/// Stored values keep their original spelling; only comparisons use the folded form.
/// Source: Unicode Standard Annex #15 (normalisation forms), Unicode case folding (CaseFolding.txt)
/// as implemented by Foundation's `String.folding(options:locale:)` with no locale.
public enum TextFolding {
    /// - Returns: the folded text (may be longer than the input: `ß` → `ss`).
    public static func fold(_ text: String) -> String {
        // ASCII (most names, e-mails and cities): folding is lower-casing; Foundation's folding
        // goes through ICU and costs far more than the write it is part of.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return text }
            return String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        guard folded.unicodeScalars.contains(where: { $0.value > 0x7F }) else { return folded }
        var result = ""
        result.reserveCapacity(folded.utf8.count)
        for scalar in folded.unicodeScalars {
            if let mapped = extra[scalar] { result += mapped } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// Letters Foundation's folding leaves as they are.
    static let extra: [Unicode.Scalar: String] = [
        "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ŀ": "l", "ħ": "h",
    ]

    /// Lower-case letters and digits of folded text, split at everything else; apostrophes and
    /// full stops join (`o'brien`, `st.` → `obrien`, `st`).
    public static func words(_ folded: String) -> [String] {
        var result: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if scalar == "'" || scalar == "’" || scalar == "." { continue }  // O'Brien, St. → one word
            let v = scalar.value
            // ASCII decided without the Unicode property tables (most names and streets).
            let wordScalar = v < 0x80 ? (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39)
                : scalar.properties.isAlphabetic
            if wordScalar {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
